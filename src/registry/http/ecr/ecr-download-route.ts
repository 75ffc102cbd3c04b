/**
 * `GET /ecr-download/<token>`: the pre-signed layer URLs GetDownloadUrlForLayer hands out
 * (ecr/download/download-url.ts, docs/ecr.md "Layer download URLs"). No Authorization header:
 * the token is the credential. In order: the token's MAC and expiry, then whether the principal
 * it was minted for still exists and may still pull the repository, then the blob, served as
 * /v2 GET serves it (oci/blobs.ts: Content-Length, Docker-Content-Digest, ranges).
 *
 * Refusals are 403 with the OCI error envelope (`{"errors":[{"code":"DENIED",…}]}`), the same
 * for a forged, tampered or expired token and a revoked grant except for the message; a blob no
 * longer in the repository is 404 BLOB_UNKNOWN, as on /v2.
 */
import type { FastifyInstance } from 'fastify'
import { isDigest } from '../../../oci/digest.ts'
import { RegistryError } from '../../../oci/errors.ts'
import { isRepositoryName } from '../../../oci/reference.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import type { BlobService } from '../../distribution/blob-service.ts'
import { DOWNLOAD_PATH, type DownloadUrlSigner } from '../../ecr/download/download-url.ts'
import { sendBlob } from '../oci/blobs.ts'
import type { PullMetrics } from '../../metrics/registry-metrics.ts'

export interface EcrDownloadDeps {
  readonly signer: DownloadUrlSigner
  readonly auth: AuthService
  readonly blobs: BlobService
  /** Bytes sent count as /v2's blob GETs do (docs/metrics.md). */
  readonly metrics?: Pick<PullMetrics, 'blobBytesSent'>
}

const refused = (message: string): RegistryError => new RegistryError('DENIED', message, { status: 403 })

export function registerEcrDownload(app: FastifyInstance, deps: EcrDownloadDeps): void {
  // A wildcard, not `:token`: a token is longer than Fastify's parameter limit (100 characters).
  app.get(`${DOWNLOAD_PATH}*`, async (request, reply) => {
    const check = await deps.signer.verify((request.params as { '*': string })['*'])
    if (!check.ok) throw refused(check.reason === 'expired' ? 'this download URL has expired: ask GetDownloadUrlForLayer for a new one' : 'this download URL is not valid')
    const { repository, digest, principal: name } = check.grant
    // Signed by us, so well-formed; checked anyway, as everything that reaches storage paths is.
    if (!isRepositoryName(repository) || !isDigest(digest)) throw refused('this download URL is not valid')
    const principal = deps.auth.enabled ? await deps.auth.principalNamed(name) : undefined
    if (!principal || principal.kind === 'anonymous' || !(await deps.auth.allowed(principal, repository)).includes('pull')) {
      throw refused('the principal this download URL was issued to may no longer pull the repository')
    }
    return sendBlob(deps.blobs, repository, digest, request, reply, deps.metrics)
  })
}
