/**
 * A stored scan seen as ECR's DescribeImageScanFindings, for both doors that answer it: the
 * findings API (/api/v1 …/scan-findings, ISO times) and the ECR API (epoch seconds). Each door
 * renders the times; what is listed, merged, counted and paged is decided here, once.
 *
 * ECR's findings are vulnerabilities. Those of every image of an index are merged (one finding
 * per advisory + package + version, with the platforms it was seen on). A COMPLETE scan that
 * could not check them (no advisory DB: ScanReport.unavailable) is FINDINGS_UNAVAILABLE with the
 * reason and no findings, never COMPLETE with zero counts, which a gate written for ECR would
 * pass. Secrets and misconfigurations are in the full report (scan-report).
 *
 * Two renderings, as ECR's registry scanning types: BASIC (`findings`: name, description, uri,
 * severity, attributes) and ENHANCED (`enhancedFindings`: Amazon Inspector's package
 * vulnerability shape), built from the same stored report.
 */
import { createHash } from 'node:crypto'
import { RegistryError } from '../../oci/errors.ts'
import type { VulnerabilityFinding } from '../../scanner/report/scan-report.ts'
import type { ScanRecord } from '../metadata/scan-store.ts'
import { parseScanResult } from './scan-result.ts'

export type EcrScanType = 'BASIC' | 'ENHANCED'

export interface EcrAttribute { readonly key: string; readonly value: string }
export interface EcrFinding {
  readonly name: string
  readonly description: string
  readonly uri: string
  readonly severity: string
  readonly attributes: readonly EcrAttribute[]
}

/** One vulnerability of the scanned image (merged across the platforms of an index). */
export interface MergedVulnerability {
  readonly v: VulnerabilityFinding
  readonly platforms: readonly string[]
}

export interface FindingsPage { readonly offset: number; readonly max: number }

/** Where the answer is: the image, for the resource part of enhanced findings. */
export interface FindingsSubject {
  readonly accountId: string
  readonly region: string
  readonly imageTag?: string | undefined
}

/** ECR's answer, times as Dates (each door renders them). */
export interface FindingsView {
  readonly repositoryName: string
  readonly imageId: { readonly imageDigest: string; readonly imageTag?: string }
  readonly imageScanStatus: { readonly status: string; readonly description: string }
  readonly imageScanFindings?: {
    readonly imageScanCompletedAt?: Date
    readonly vulnerabilitySourceUpdatedAt?: Date
    readonly findingSeverityCounts: Readonly<Record<string, number>>
    readonly findings?: readonly EcrFinding[]
    readonly enhancedFindings?: readonly Record<string, unknown>[]
  }
  readonly nextToken?: string
}

const ECR_SEVERITY: Readonly<Record<string, string>> = { CRITICAL: 'CRITICAL', HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW', UNKNOWN: 'UNDEFINED' }
/** Amazon Inspector's names (enhanced findings): an unscored advisory is UNTRIAGED. */
const INSPECTOR_SEVERITY: Readonly<Record<string, string>> = { ...ECR_SEVERITY, UNKNOWN: 'UNTRIAGED' }
export const MAX_FINDINGS_RESULTS = 1000
export const DEFAULT_FINDINGS_RESULTS = 100

function badRequest(message: string): RegistryError {
  return new RegistryError('UNSUPPORTED', message, { status: 400 })
}

/** `maxResults` (1..1000, default 100) and an opaque `nextToken`, valid for the same digest only. */
export function findingsPage(maxResults: number | undefined, nextToken: string | undefined, digest: string): FindingsPage {
  const max = maxResults ?? DEFAULT_FINDINGS_RESULTS
  if (!Number.isInteger(max) || max < 1 || max > MAX_FINDINGS_RESULTS) throw badRequest(`maxResults must be an integer from 1 to ${MAX_FINDINGS_RESULTS}`)
  if (nextToken === undefined) return { offset: 0, max }
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8'))
  } catch {
    throw badRequest('invalid nextToken')
  }
  const p = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { o?: unknown; d?: unknown }
  if (typeof p.o !== 'number' || !Number.isInteger(p.o) || p.o < 0 || p.d !== digest) throw badRequest('invalid nextToken')
  return { offset: p.o, max }
}

function mergedVulnerabilities(result: string): { all: MergedVulnerability[]; sourceUpdatedAt?: string } {
  const doc = parseScanResult(result)
  const merged = new Map<string, { v: VulnerabilityFinding; platforms: string[] }>()
  let sourceUpdatedAt: string | undefined
  for (const image of doc.images) {
    sourceUpdatedAt ??= image.report.dataSource.updatedAt
    for (const v of image.report.findings) {
      if (v.kind !== 'vulnerability') continue
      const key = `${v.id}\u0000${v.package.purl}\u0000${v.installedVersion}`
      const seen = merged.get(key)
      if (seen) {
        if (image.platform) seen.platforms.push(image.platform)
        continue
      }
      merged.set(key, { v, platforms: image.platform ? [image.platform] : [] })
    }
  }
  return { all: [...merged.values()], ...(sourceUpdatedAt ? { sourceUpdatedAt } : {}) }
}

/** CVSS v2 vectors carry no `CVSS:` prefix (`AV:N/AC:L/…`); v3 and later do (`CVSS:3.1/…`). */
function cvssVersion(vector: string | undefined): string {
  if (vector === undefined) return '3'
  const m = /^CVSS:(\d+(?:\.\d+)?)\//.exec(vector)
  return m?.[1] ?? '2'
}

/** The basic rendering (attribute values are at most 256 characters, as ECR's). */
export function basicFinding({ v, platforms }: MergedVulnerability): EcrFinding {
  const cvss = cvssVersion(v.cvssVector).startsWith('2') ? 'CVSS2' : 'CVSS3'
  const attributes: EcrAttribute[] = [
    { key: 'package_name', value: v.package.name },
    { key: 'package_version', value: v.installedVersion },
    { key: 'package_type', value: v.package.type },
    { key: 'purl', value: v.package.purl },
    { key: 'path', value: v.package.path },
  ]
  if (v.fixedVersions.length > 0) attributes.push({ key: 'fixed_version', value: v.fixedVersions.join(', ') })
  if (v.cvssScore !== undefined) attributes.push({ key: `${cvss}_SCORE`, value: String(v.cvssScore) })
  if (v.cvssVector !== undefined) attributes.push({ key: `${cvss}_VECTOR`, value: v.cvssVector })
  if (v.aliases.length > 0) attributes.push({ key: 'aliases', value: v.aliases.join(', ') })
  if (platforms.length > 0) attributes.push({ key: 'platform', value: platforms.join(', ') })
  return {
    name: v.id, description: v.title ?? '', uri: v.url ?? '', severity: ECR_SEVERITY[v.severity] ?? 'UNDEFINED',
    attributes: attributes.filter((a) => a.value !== '').map((a) => ({ key: a.key, value: a.value.slice(0, 256) })),
  }
}

/** Inspector's packageManager names for Drydock's package types (others upper-cased). */
const PACKAGE_MANAGER: Readonly<Record<string, string>> = {
  npm: 'NPM', pypi: 'PIP', gem: 'GEMSPEC', cargo: 'CARGO', golang: 'GOBINARY', go: 'GOBINARY', maven: 'JAR',
  nuget: 'NUGET', composer: 'COMPOSER', deb: 'OS', apk: 'OS', rpm: 'OS',
}

/** The enhanced rendering: Amazon Inspector's PACKAGE_VULNERABILITY finding for the image. */
export function enhancedFinding(m: MergedVulnerability, scan: ScanRecord, at: FindingsSubject): Record<string, unknown> {
  const { v, platforms } = m
  const observed = scan.completedAt
  // A stable id per (image, advisory, package): the same finding keeps its ARN across rescans.
  const id = createHash('sha256').update(`${scan.repo}\u0000${scan.digest}\u0000${v.id}\u0000${v.package.purl}\u0000${v.installedVersion}`).digest('hex').slice(0, 32)
  const cvss = v.cvssScore === undefined ? [] : [{
    baseScore: v.cvssScore, scoringVector: v.cvssVector ?? '', source: v.severitySource, version: cvssVersion(v.cvssVector),
  }]
  const fixed = v.fixedVersions.length > 0
  const architectures = platforms.map((p) => p.split('/')[1] ?? p)
  return {
    awsAccountId: at.accountId,
    description: v.title ?? '',
    findingArn: `arn:aws:ecr:${at.region}:${at.accountId}:finding/${id}`,
    ...(observed ? { firstObservedAt: observed, lastObservedAt: observed, updatedAt: observed } : {}),
    packageVulnerabilityDetails: {
      cvss,
      referenceUrls: v.url ? [v.url] : [],
      relatedVulnerabilities: [...v.aliases],
      source: v.dataSource,
      ...(v.url ? { sourceUrl: v.url } : {}),
      vendorSeverity: v.severity,
      vulnerabilityId: v.id,
      vulnerablePackages: [{
        name: v.package.name, version: v.installedVersion, packageManager: PACKAGE_MANAGER[v.package.type] ?? v.package.type.toUpperCase(),
        filePath: v.package.path, ...(v.package.layerDiffId ? { sourceLayerHash: v.package.layerDiffId } : {}),
        ...(architectures.length === 1 ? { arch: architectures[0] } : {}),
      }],
    },
    remediation: { recommendation: { text: fixed ? `Upgrade ${v.package.name} to ${v.fixedVersions.join(' or ')}` : 'None provided', ...(v.url ? { url: v.url } : {}) } },
    resources: [{
      type: 'AWS_ECR_CONTAINER_IMAGE',
      id: `arn:aws:ecr:${at.region}:${at.accountId}:repository/${scan.repo}/${scan.digest}`,
      details: {
        awsEcrContainerImage: {
          imageHash: scan.digest, imageTags: at.imageTag ? [at.imageTag] : [], registry: at.accountId, repositoryName: scan.repo,
          ...(architectures.length > 0 ? { architecture: architectures.join(', '), platform: platforms.join(', ') } : {}),
        },
      },
    }],
    ...(v.cvssScore === undefined ? {} : {
      score: v.cvssScore,
      scoreDetails: { cvss: { adjustments: [], score: v.cvssScore, scoreSource: v.severitySource, scoringVector: v.cvssVector ?? '', version: cvssVersion(v.cvssVector) } },
    }),
    severity: INSPECTOR_SEVERITY[v.severity] ?? 'UNTRIAGED',
    status: 'ACTIVE',
    title: `${v.id} - ${v.package.name}`,
    type: 'PACKAGE_VULNERABILITY',
  }
}

/** The findings answer for a stored scan: status, counts and one page of findings of `scanType`. */
export function findingsView(scan: ScanRecord, page: FindingsPage, scanType: EcrScanType, at: FindingsSubject): FindingsView {
  const base = {
    repositoryName: scan.repo,
    imageId: { imageDigest: scan.digest, ...(at.imageTag ? { imageTag: at.imageTag } : {}) },
    imageScanStatus: { status: scan.status, description: scan.description ?? describeStatus(scan.status) },
  }
  if (scan.status !== 'COMPLETE' || scan.result === undefined) return base
  const unavailable = vulnerabilitiesUnavailable(scan.result)
  if (unavailable !== undefined) {
    return { ...base, imageScanStatus: { status: 'FINDINGS_UNAVAILABLE', description: scan.description ?? `vulnerabilities not checked: ${unavailable}` } }
  }
  const { all, sourceUpdatedAt } = mergedVulnerabilities(scan.result)
  const counts: Record<string, number> = {}
  for (const { v } of all) {
    const s = ECR_SEVERITY[v.severity] ?? 'UNDEFINED'
    counts[s] = (counts[s] ?? 0) + 1
  }
  const slice = all.slice(page.offset, page.offset + page.max)
  const more = page.offset + page.max < all.length
  const updated = sourceUpdatedAt === undefined ? undefined : new Date(sourceUpdatedAt)
  return {
    ...base,
    imageScanFindings: {
      ...(scan.completedAt ? { imageScanCompletedAt: scan.completedAt } : {}),
      ...(updated && !Number.isNaN(updated.getTime()) ? { vulnerabilitySourceUpdatedAt: updated } : {}),
      findingSeverityCounts: counts,
      ...(scanType === 'ENHANCED' ? { enhancedFindings: slice.map((m) => enhancedFinding(m, scan, at)) } : { findings: slice.map(basicFinding) }),
    },
    ...(more ? { nextToken: Buffer.from(JSON.stringify({ o: page.offset + page.max, d: scan.digest })).toString('base64url') } : {}),
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
