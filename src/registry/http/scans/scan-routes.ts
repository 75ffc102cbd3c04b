/**
 * The findings API (docs/scan-on-push.md), under /api/v1/repositories/{name}/…; {name} may hold
 * slashes and {ref} is a tag or a digest:
 *   GET  …/images/{ref}/scan-findings   ECR DescribeImageScanFindings shape (maxResults/nextToken)
 *   GET  …/images/{ref}/scan-report     the stored result: Drydock reports per image, secrets;
 *                                       ?format=json|sarif|cyclonedx|table (&platform=) renders one
 *   GET  …/images/{ref}/sbom            CycloneDX SBOM of the scanned image (&platform=)
 *   POST …/images/{ref}/scan            queue a scan now (202)
 *   POST …/scan                         rescan every manifest of the repository (202)
 * With access control on, reads need pull and scans need push on the repository, checked by the
 * repository API router (repository-api.ts) with the same rules as /v2; anonymous callers get
 * what public repositories allow.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { isDigest, type Digest } from '../../../oci/digest.ts'
import { RegistryError } from '../../../oci/errors.ts'
import { parseManifestReference, type RepositoryName } from '../../../oci/reference.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import type { ManifestService } from '../../distribution/manifest-service.ts'
import type { ScanService } from '../../scanning/scan-service.ts'
import { parseScanResult, type ScannedImage } from '../../scanning/scan-result.ts'
import { json } from '../api/api-context.ts'
import { describeFindings } from './ecr-findings.ts'
import { repositoryApi } from '../repository-api.ts'

export interface ScanRouteDeps {
  readonly scanning: ScanService
  readonly manifests: ManifestService
  readonly auth: AuthService | undefined
}

function pickImage(images: readonly ScannedImage[], platform: string | null): ScannedImage {
  const found = platform === null ? (images.length === 1 ? images[0] : undefined) : images.find((i) => i.platform === platform)
  if (found) return found
  throw new RegistryError('UNSUPPORTED', `choose a platform with ?platform= (${images.map((i) => i.platform ?? '?').join(', ')})`, { status: 400 })
}

export function registerScanRoutes(app: FastifyInstance, deps: ScanRouteDeps): void {
  const api = repositoryApi(app, deps.auth)
  const resolve = (repo: RepositoryName, ref: string | undefined) => deps.manifests.resolve(repo, parseManifestReference(ref ?? ''))

  api.add({ method: 'POST', path: 'images/{ref}/scan', needs: 'push' }, async (_request, reply, { repo, ref }) => {
    const record = await resolve(repo, ref)
    await deps.scanning.request(repo, record.digest)
    const tag = isDigest(ref ?? '') ? undefined : ref
    return json(reply, 202, describeFindings((await deps.scanning.status(repo, record.digest))!, tag, new URLSearchParams()))
  })
  for (const what of ['scan-findings', 'scan-report', 'sbom'] as const) {
    api.add({ method: 'GET', path: `images/{ref}/${what}`, needs: 'pull' }, async (_request, reply, { repo, ref, query }) => {
      const record = await resolve(repo, ref)
      const tag = isDigest(ref ?? '') ? undefined : ref
      const scan = await deps.scanning.status(repo, record.digest as Digest)
      if (!scan) throw new RegistryError('MANIFEST_UNKNOWN', `${repo}@${record.digest} has not been scanned`, { status: 404, detail: { scanStatus: 'NOT_SCANNED' } })
      if (what === 'scan-findings') return json(reply, 200, describeFindings(scan, tag, query))
      return sendReport(reply, what, scan.status, scan.result, scan.completedAt, scan.description, query)
    })
  }
  // Registered last: `…/images/{ref}/scan` above also ends in `/scan`.
  api.add({ method: 'POST', path: 'scan', needs: 'push' }, async (_request, reply, { repo }) =>
    json(reply, 202, { repositoryName: repo, queued: await deps.scanning.rescanRepository(repo) }))
}

async function sendReport(
  reply: FastifyReply, what: 'scan-report' | 'sbom', status: string, result: string | undefined, completedAt: Date | undefined,
  description: string | undefined, query: URLSearchParams,
): Promise<FastifyReply> {
  if (result === undefined) {
    throw new RegistryError('UNSUPPORTED', `no completed scan yet (status ${status}${description ? `: ${description}` : ''})`, { status: 409, detail: { status } })
  }
  const doc = parseScanResult(result)
  const format = what === 'sbom' ? 'cyclonedx' : query.get('format')
  if (format === null || (format === 'json' && query.get('platform') === null && doc.images.length > 1)) {
    return json(reply, 200, { ...doc, status, completedAt: completedAt?.toISOString() })
  }
  const { formatterByName } = await import('../../../scanner/report/formatter.ts')
  const formatter = formatterByName(format)
  if (!formatter) throw new RegistryError('UNSUPPORTED', `unknown format '${format}'`, { status: 400 })
  const text = formatter.format(pickImage(doc.images, query.get('platform')).report, { now: new Date(), color: false })
  return reply.code(200).header('Cache-Control', 'no-store')
    .header('Content-Type', format === 'table' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8').send(text)
}
