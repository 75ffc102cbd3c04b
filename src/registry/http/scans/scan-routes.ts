/**
 * The findings API (docs/scan-on-push.md), under /api/v1/repositories/{name}/…; {name} may hold
 * slashes and {ref} is a tag or a digest:
 *   GET  …/images/{ref}/scan-findings   ECR DescribeImageScanFindings shape (maxResults/nextToken)
 *   GET  …/images/{ref}/scan-report     the stored result: Drydock reports per image, secrets;
 *                                       ?format=json|sarif|cyclonedx|table (&platform=) renders one
 *   GET  …/images/{ref}/sbom            CycloneDX SBOM of the scanned image (&platform=)
 *   POST …/images/{ref}/scan            queue a scan now (202)
 *   POST …/scan                         rescan every manifest of the repository (202)
 * With access control on, reads need pull and scans need push on the repository (the same
 * rules as /v2, via AuthService.allowed); anonymous callers get what public repositories allow.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isDigest, type Digest } from '../../../oci/digest.ts'
import { RegistryError } from '../../../oci/errors.ts'
import { parseManifestReference, parseRepositoryName, type RepositoryName } from '../../../oci/reference.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { ANONYMOUS } from '../../auth/principal.ts'
import type { ManifestService } from '../../distribution/manifest-service.ts'
import type { ScanService } from '../../scanning/scan-service.ts'
import { parseScanResult, type ScannedImage } from '../../scanning/scan-result.ts'
import { callerOf, json } from '../api/api-context.ts'
import { describeFindings } from './ecr-findings.ts'
import { repositoryApi } from '../repository-api.ts'

export interface ScanRouteDeps {
  readonly scanning: ScanService
  readonly manifests: ManifestService
  readonly auth: AuthService | undefined
}

const IMAGE_PATH = /^(.+)\/images\/([^/]+)\/(scan-findings|scan-report|sbom|scan)$/
const REPO_SCAN_PATH = /^(.+)\/scan$/

function route(request: FastifyRequest): { path: string; query: URLSearchParams } {
  const url = request.raw.url ?? ''
  const q = url.indexOf('?')
  const path = (q < 0 ? url : url.slice(0, q)).slice('/api/v1/repositories/'.length)
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    throw new RegistryError('NAME_INVALID', 'invalid path encoding')
  }
  return { path: decoded, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) }
}

async function authorize(deps: ScanRouteDeps, request: FastifyRequest, repo: string, action: 'pull' | 'push'): Promise<void> {
  const auth = deps.auth
  if (!auth?.enabled) return
  const principal = request.headers.authorization === undefined ? ANONYMOUS : await callerOf(auth, request)
  if ((await auth.allowed(principal, repo)).includes(action)) return
  if (principal === ANONYMOUS) throw new RegistryError('UNAUTHORIZED', 'credentials required', { headers: { 'WWW-Authenticate': 'Basic realm="drydock"' } })
  throw new RegistryError('DENIED', `no ${action} permission on ${repo}`)
}

function pickImage(images: readonly ScannedImage[], platform: string | null): ScannedImage {
  const found = platform === null ? (images.length === 1 ? images[0] : undefined) : images.find((i) => i.platform === platform)
  if (found) return found
  throw new RegistryError('UNSUPPORTED', `choose a platform with ?platform= (${images.map((i) => i.platform ?? '?').join(', ')})`, { status: 400 })
}

export function registerScanRoutes(app: FastifyInstance, deps: ScanRouteDeps): void {
  const handler = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const { path, query } = route(request)
    const post = request.method === 'POST'
    const image = IMAGE_PATH.exec(path)
    const repoScan = image ? undefined : REPO_SCAN_PATH.exec(path)
    if (!image && !repoScan) throw new RegistryError('UNSUPPORTED', 'unknown scan API path', { status: 404 })
    const repo: RepositoryName = parseRepositoryName((image?.[1] ?? repoScan?.[1]) as string)
    const what = image?.[3] ?? 'repo-scan'
    if (post !== (what === 'scan' || what === 'repo-scan')) throw new RegistryError('UNSUPPORTED', `${request.method} not allowed here`, { status: 405 })
    await authorize(deps, request, repo, post ? 'push' : 'pull')

    if (what === 'repo-scan') return json(reply, 202, { repositoryName: repo, queued: await deps.scanning.rescanRepository(repo) })
    const rawRef = image?.[2] as string
    const record = await deps.manifests.resolve(repo, parseManifestReference(rawRef))
    const tag = isDigest(rawRef) ? undefined : rawRef
    if (what === 'scan') {
      await deps.scanning.request(repo, record.digest)
      return json(reply, 202, describeFindings((await deps.scanning.status(repo, record.digest))!, tag, new URLSearchParams()))
    }
    const scan = await deps.scanning.status(repo, record.digest as Digest)
    if (!scan) throw new RegistryError('MANIFEST_UNKNOWN', `${repo}@${record.digest} has not been scanned`, { status: 404, detail: { scanStatus: 'NOT_SCANNED' } })
    if (what === 'scan-findings') return json(reply, 200, describeFindings(scan, tag, query))
    if (scan.result === undefined) {
      throw new RegistryError('UNSUPPORTED', `no completed scan yet (status ${scan.status}${scan.description ? `: ${scan.description}` : ''})`, { status: 409, detail: { status: scan.status } })
    }
    const doc = parseScanResult(scan.result)
    const format = what === 'sbom' ? 'cyclonedx' : query.get('format')
    if (format === null || (format === 'json' && query.get('platform') === null && doc.images.length > 1)) {
      return json(reply, 200, { ...doc, status: scan.status, completedAt: scan.completedAt?.toISOString() })
    }
    const { formatterByName } = await import('../../../scanner/report/formatter.ts')
    const formatter = formatterByName(format)
    if (!formatter) throw new RegistryError('UNSUPPORTED', `unknown format '${format}'`, { status: 400 })
    const text = formatter.format(pickImage(doc.images, query.get('platform')).report, { now: new Date(), color: false })
    return reply.code(200).header('Cache-Control', 'no-store')
      .header('Content-Type', format === 'table' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8').send(text)
  }
  // The path prefix is shared with other repository APIs (signatures): one router dispatches.
  repositoryApi(app).add((path) => IMAGE_PATH.test(path) || REPO_SCAN_PATH.test(path), handler)
}
