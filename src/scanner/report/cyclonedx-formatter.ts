/**
 * `--format cyclonedx`: a CycloneDX 1.6 BOM with the image's components (the same encoder as
 * `drydock sbom`) and a `vulnerabilities` array: one entry per (advisory, package) with its
 * rating, the affected component's bom-ref, and for ignored findings an `analysis` (VEX) block.
 *
 * Vulnerabilities only, as Trivy does: CycloneDX's `vulnerabilities` describe flaws in listed
 * components, and secrets and misconfigurations are not components' flaws. Use json or sarif
 * for those; the count left out is in the metadata property `drydock:findings:not-in-bom`.
 */
import { randomUUID } from 'node:crypto'
import { toCycloneDx } from '../sbom/cyclonedx.ts'
import type { SbomInput } from '../sbom/sbom-input.ts'
import type { Digest } from '../../oci/digest.ts'
import { dataAgeLine } from './data-age.ts'
import type { FormatOptions, ReportFormatter } from './formatter.ts'
import { vulnerabilitiesOf, type IgnoredFinding, type ScanReport, type VulnerabilityFinding } from './scan-report.ts'

type Json = Record<string, unknown>

/** OpenVEX justifications to CycloneDX's impact-analysis justifications. */
const JUSTIFICATION: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'requires_environment',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
}

export function cvssMethod(vector: string | undefined): string {
  if (vector === undefined) return 'other'
  if (vector.startsWith('CVSS:4.0/')) return 'CVSSv4'
  if (vector.startsWith('CVSS:3.1/')) return 'CVSSv31'
  if (vector.startsWith('CVSS:3.0/')) return 'CVSSv3'
  return /^AV:[LAN]\//.test(vector) ? 'CVSSv2' : 'other'
}

/** The SBOM encoders' input from a report's image and inventory (also used by `drydock sbom`). */
export function sbomInputOf(report: Pick<ScanReport, 'image' | 'packages'>): SbomInput {
  const img = report.image
  const [os, architecture] = (img.platform ?? '').split('/')
  return {
    image: {
      reference: img.reference,
      name: img.name,
      manifestDigest: img.manifestDigest as Digest,
      ...(img.configDigest ? { configDigest: img.configDigest as Digest } : {}),
      ...(img.tag ? { tag: img.tag } : {}),
      ...(architecture ? { architecture } : {}),
      ...(os ? { os } : {}),
    },
    ...(img.os ? { os: img.os } : {}),
    packages: report.packages,
  }
}

function analysisOf(ignored: IgnoredFinding): Json {
  const detail = `${ignored.origin}: ${ignored.reason}`
  switch (ignored.origin) {
    case 'vex': {
      const justification = ignored.justification === undefined ? undefined : JUSTIFICATION[ignored.justification]
      const fixed = ignored.reason.startsWith('fixed')
      return { state: fixed ? 'resolved' : 'not_affected', ...(justification && !fixed ? { justification } : {}), detail }
    }
    case 'ignorefile':
      return { state: 'exploitable', response: ['will_not_fix'], detail }
    case 'ignore-unfixed':
      return { state: 'exploitable', response: ['can_not_fix'], detail }
  }
}

function vulnerabilityOf(f: VulnerabilityFinding, ref: string | undefined, n: number, ignored?: IgnoredFinding): Json {
  const rating: Json = { source: { name: f.severitySource }, severity: f.severity.toLowerCase(), method: cvssMethod(f.cvssVector) }
  if (f.cvssScore !== undefined) rating['score'] = f.cvssScore
  if (f.cvssVector !== undefined) rating['vector'] = f.cvssVector
  return {
    'bom-ref': `vuln:${n}:${f.id}`,
    id: f.id,
    source: { name: f.dataSource, ...(f.url ? { url: f.url } : {}) },
    ...(f.aliases.length > 0 ? { references: f.aliases.map((a) => ({ id: a, source: { name: a.split('-')[0] ?? a } })) } : {}),
    ratings: [rating],
    ...(f.title ? { description: f.title } : {}),
    ...(f.url ? { advisories: [{ url: f.url }] } : {}),
    ...(f.fixedVersions.length > 0 ? { recommendation: `Upgrade ${f.package.name} to ${f.fixedVersions.join(' or ')}` } : {}),
    ...(ignored ? { analysis: analysisOf(ignored) } : {}),
    affects: ref === undefined ? [] : [{ ref, versions: [{ version: f.installedVersion, status: 'affected' }] }],
  }
}

export function toCycloneDxWithVulnerabilities(report: ScanReport, now: Date, uuid: string): Json {
  const bom = toCycloneDx(sbomInputOf(report), { now, uuid, toolName: report.tool.name, toolVersion: report.tool.version })
  // The encoder keys components by purl (suffixed for repeats); find the one at the finding's path.
  const components = (bom['components'] as Json[]).filter((c) => c['type'] === 'library')
  const refOf = (f: VulnerabilityFinding): string | undefined => {
    const same = components.filter((c) => c['purl'] === f.package.purl)
    const atPath = same.find((c) => (c['properties'] as Json[]).some((p) => p['name'] === 'drydock:location:path' && p['value'] === f.package.path))
    return (atPath ?? same[0])?.['bom-ref'] as string | undefined
  }
  let n = 0
  const vulnerabilities = [
    ...vulnerabilitiesOf(report.findings).map((f) => vulnerabilityOf(f, refOf(f), n++)),
    ...report.ignored.flatMap((i) => (i.finding.kind === 'vulnerability' ? [vulnerabilityOf(i.finding, refOf(i.finding), n++, i)] : [])),
  ]
  const notInBom = report.findings.length - vulnerabilitiesOf(report.findings).length
  const metadata = bom['metadata'] as Json
  metadata['properties'] = [
    { name: 'drydock:advisory-db:updated-at', value: report.dataSource.updatedAt ?? 'never' },
    { name: 'drydock:advisory-db:age', value: dataAgeLine(report.dataSource, now) },
    ...(notInBom > 0 ? [{ name: 'drydock:findings:not-in-bom', value: `${notInBom} secret/misconfiguration finding(s); use --format json or sarif` }] : []),
  ]
  return { ...bom, vulnerabilities }
}

export const cyclonedxFormatter: ReportFormatter = {
  name: 'cyclonedx',
  mediaType: 'application/vnd.cyclonedx+json',
  format(report: ScanReport, options: FormatOptions = {}): string {
    const now = options.now ?? new Date(report.generatedAt)
    return `${JSON.stringify(toCycloneDxWithVulnerabilities(report, now, options.uuid ?? randomUUID()), null, 2)}\n`
  },
}
