/**
 * Stored scan → the ECR DescribeImageScanFindings response shape, so tools written for ECR can
 * read Drydock's findings. Vulnerabilities of every image of an index are merged (one finding per
 * advisory + package + version, with the platforms it was seen on). Pagination: `maxResults`
 * (1..1000, default 100) and an opaque `nextToken` bound to the scanned digest.
 *
 * ECR's findings are vulnerabilities. A COMPLETE scan that could not check them (the registry has
 * no advisory DB: ScanReport.unavailable) is shown as ECR's FINDINGS_UNAVAILABLE with the reason
 * and no findings, never as COMPLETE with zero counts, which a gate written for ECR would pass.
 * Its secrets and misconfigurations are in the full report (scan-report), which says COMPLETE.
 */
import { RegistryError } from '../../../oci/errors.ts'
import type { ScanRecord } from '../../metadata/scan-store.ts'
import { parseScanResult } from '../../scanning/scan-result.ts'

export interface EcrAttribute { readonly key: string; readonly value: string }
export interface EcrFinding {
  readonly name: string
  readonly description: string
  readonly uri: string
  readonly severity: string
  readonly attributes: readonly EcrAttribute[]
}

const ECR_SEVERITY: Readonly<Record<string, string>> = { CRITICAL: 'CRITICAL', HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW', UNKNOWN: 'UNDEFINED' }
const MAX_RESULTS = 1000

function badRequest(message: string): RegistryError {
  return new RegistryError('UNSUPPORTED', message, { status: 400 })
}

export function parsePaging(query: URLSearchParams, digest: string): { offset: number; max: number } {
  const rawMax = query.get('maxResults')
  const max = rawMax === null ? 100 : Number(rawMax)
  if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) throw badRequest(`maxResults must be an integer from 1 to ${MAX_RESULTS}`)
  const token = query.get('nextToken')
  if (token === null) return { offset: 0, max }
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    throw badRequest('invalid nextToken')
  }
  const p = parsed as { o?: unknown; d?: unknown }
  if (typeof p.o !== 'number' || !Number.isInteger(p.o) || p.o < 0 || p.d !== digest) throw badRequest('invalid nextToken')
  return { offset: p.o, max }
}

function allFindings(result: string): { findings: EcrFinding[]; vulnerabilitySourceUpdatedAt?: string } {
  const doc = parseScanResult(result)
  const merged = new Map<string, { f: EcrFinding; platforms: string[] }>()
  let updatedAt: string | undefined
  for (const image of doc.images) {
    updatedAt ??= image.report.dataSource.updatedAt
    // ECR's findings are vulnerabilities; secrets and misconfigurations are in the full report.
    for (const v of image.report.findings) {
      if (v.kind !== 'vulnerability') continue
      if (v.kind !== 'vulnerability') continue // ECR's findings API lists vulnerabilities only
      const key = `${v.id}\u0000${v.package.purl}\u0000${v.installedVersion}`
      const seen = merged.get(key)
      if (seen) {
        if (image.platform) seen.platforms.push(image.platform)
        continue
      }
      const attributes: EcrAttribute[] = [
        { key: 'package_name', value: v.package.name },
        { key: 'package_version', value: v.installedVersion },
        { key: 'package_type', value: v.package.type },
        { key: 'purl', value: v.package.purl },
        { key: 'path', value: v.package.path },
      ]
      if (v.fixedVersions.length > 0) attributes.push({ key: 'fixed_version', value: v.fixedVersions.join(', ') })
      if (v.cvssScore !== undefined) attributes.push({ key: 'CVSS3_SCORE', value: String(v.cvssScore) })
      if (v.cvssVector !== undefined) attributes.push({ key: 'CVSS3_VECTOR', value: v.cvssVector })
      if (v.aliases.length > 0) attributes.push({ key: 'aliases', value: v.aliases.join(', ') })
      merged.set(key, {
        f: { name: v.id, description: v.title ?? '', uri: v.url ?? '', severity: ECR_SEVERITY[v.severity] ?? 'UNDEFINED', attributes },
        platforms: image.platform ? [image.platform] : [],
      })
    }
  }
  const findings = [...merged.values()].map(({ f, platforms }) =>
    platforms.length === 0 ? f : { ...f, attributes: [...f.attributes, { key: 'platform', value: platforms.join(', ') }] })
  return { findings, ...(updatedAt ? { vulnerabilitySourceUpdatedAt: updatedAt } : {}) }
}

export function describeFindings(scan: ScanRecord, imageTag: string | undefined, query: URLSearchParams): Record<string, unknown> {
  const { offset, max } = parsePaging(query, scan.digest)
  const base = {
    repositoryName: scan.repo,
    imageId: { imageDigest: scan.digest, ...(imageTag ? { imageTag } : {}) },
    imageScanStatus: { status: scan.status, description: scan.description ?? describeStatus(scan.status) },
  }
  if (scan.status !== 'COMPLETE' || scan.result === undefined) return base
  const unavailable = vulnerabilitiesUnavailable(scan.result)
  if (unavailable !== undefined) return { ...base, imageScanStatus: { status: 'FINDINGS_UNAVAILABLE', description: scan.description ?? `vulnerabilities not checked: ${unavailable}` } }
  const { findings, vulnerabilitySourceUpdatedAt } = allFindings(scan.result)
  const counts: Record<string, number> = {}
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1
  const page = findings.slice(offset, offset + max)
  const next = offset + max < findings.length ? Buffer.from(JSON.stringify({ o: offset + max, d: scan.digest })).toString('base64url') : undefined
  return {
    ...base,
    imageScanFindings: {
      imageScanCompletedAt: scan.completedAt?.toISOString(),
      ...(vulnerabilitySourceUpdatedAt ? { vulnerabilitySourceUpdatedAt } : {}),
      findingSeverityCounts: counts,
      findings: page,
    },
    ...(next ? { nextToken: next } : {}),
  }
}

/** Why the vulnerability part of a stored result is missing (in any of its images), if it is. */
function vulnerabilitiesUnavailable(result: string): string | undefined {
  for (const image of parseScanResult(result).images) {
    const u = image.report.unavailable?.find((x) => x.scanner === 'vuln')
    if (u) return u.reason
  }
  return undefined
}

function describeStatus(status: string): string {
  switch (status) {
    case 'PENDING': return 'The scan is queued.'
    case 'IN_PROGRESS': return 'The scan is running.'
    case 'COMPLETE': return 'The scan was completed successfully.'
    default: return status
  }
}
