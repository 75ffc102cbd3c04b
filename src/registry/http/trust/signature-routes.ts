/**
 * GET /api/v1/repositories/{name}/images/{tag-or-digest}/signatures (docs/api.md): the image's
 * digest, whether a key trusted for the repository's namespace signed it and which, and every
 * stored signature and attestation with its own verdict. A tag is resolved to its digest once
 * and the answer is about that digest only. With access control on, it needs pull on the
 * repository (checked by the repository API router before the tag is resolved).
 */
import type { FastifyInstance } from 'fastify'
import { parseManifestReference } from '../../../oci/reference.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import type { ManifestService } from '../../distribution/manifest-service.ts'
import type { TrustService } from '../../trust/trust-service.ts'
import { json } from '../api/api-context.ts'
import { repositoryApi } from '../repository-api.ts'

export interface SignatureRouteDeps {
  readonly trust: TrustService
  readonly manifests: ManifestService
  readonly auth: AuthService | undefined
}

export function registerSignatureRoutes(app: FastifyInstance, deps: SignatureRouteDeps): void {
  repositoryApi(app, deps.auth).add({ method: 'GET', path: 'images/{ref}/signatures', needs: 'pull' }, async (_request, reply, { repo, ref }) => {
    const record = await deps.manifests.resolve(repo, parseManifestReference(ref ?? ''))
    const { digest, signed, by, ...rest } = await deps.trust.report(repo, record.digest)
    return json(reply, 200, { digest, signed, verifiedBy: by, ...rest })
  })
}
