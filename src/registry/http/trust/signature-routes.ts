/**
 * GET /api/v1/repositories/{name}/images/{tag-or-digest}/signatures (docs/api.md): the image's
 * digest, whether a key trusted for the repository's namespace signed it and which, and every
 * stored signature and attestation with its own verdict. A tag is resolved to its digest once
 * and the answer is about that digest only. With access control on, it needs pull on the
 * repository (the same check as the scans API).
 */
import type { FastifyInstance } from 'fastify'
import { parseManifestReference, parseRepositoryName } from '../../../oci/reference.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import type { ManifestService } from '../../distribution/manifest-service.ts'
import type { TrustService } from '../../trust/trust-service.ts'
import { json } from '../api/api-context.ts'
import { authorizeRepository, repositoryApi, repositoryApiPath } from '../repository-api.ts'

export interface SignatureRouteDeps {
  readonly trust: TrustService
  readonly manifests: ManifestService
  readonly auth: AuthService | undefined
}

const SIGNATURES_PATH = /^(.+)\/images\/([^/]+)\/signatures$/

export function registerSignatureRoutes(app: FastifyInstance, deps: SignatureRouteDeps): void {
  repositoryApi(app).add(
    (path, method) => method === 'GET' && SIGNATURES_PATH.test(path),
    async (request, reply) => {
      const m = SIGNATURES_PATH.exec(repositoryApiPath(request))
      const repo = parseRepositoryName(m?.[1] ?? '')
      // Authorize before resolving, so an unauthorized caller cannot probe which tags exist.
      await authorizeRepository(deps.auth, request, repo, 'pull')
      const record = await deps.manifests.resolve(repo, parseManifestReference(m?.[2] ?? ''))
      const { digest, signed, by, ...rest } = await deps.trust.report(repo, record.digest)
      return json(reply, 200, { digest, signed, verifiedBy: by, ...rest })
    },
  )
}
