/**
 * Pure assembly of a ScanReport from an inventory, the matcher's findings, the advisory data
 * description and the gate's decisions. No I/O, no clock: everything is passed in.
 */
import { platformString } from '../../oci/descriptor.ts'
import type { ImageInventory } from '../pipeline/analyze-image.ts'
import type { Finding } from '../vuln/matchers/matcher.ts'
import type { ComplianceReport } from '../compliance/compliance-checklist.ts'
import { REPORT_SCHEMA_VERSION, type ReportDataSource, type ReportImage, type ScannerName, type ScanReport, type TruncatedFindings, type UnavailableScanner, type VulnerabilityFinding } from '../report/scan-report.ts'
import { toReportSeverity } from '../report/severity-scale.ts'
import type { GateResult } from './gate.ts'

export interface ReportMeta {
  readonly toolName: string
  readonly toolVersion: string
  readonly now: Date
}

/** `oci:images/app:1.0` -> { name: 'app', tag: '1.0' }; `reg.example/team/app:2` -> { name: 'team/app', tag: '2' }. */
export function imageNameOf(reference: string): { name: string; tag?: string } {
  const rest = reference.replace(/^(oci|oci-archive|docker-archive):/, '').replace(/^docker:\/\//, '').replace(/@sha256:[a-f0-9]+$/, '')
  const colon = rest.lastIndexOf(':')
  const hasTag = colon > 0 && !rest.slice(colon + 1).includes('/')
  const path = hasTag ? rest.slice(0, colon) : rest
  const segments = path.split('/').filter((s) => s !== '' && s !== '.' && s !== '..')
  // A registry host (has a dot or port, or is localhost) is not part of the name.
  if (segments.length > 1 && /[.:]|^localhost$/.test(segments[0] ?? '') && !reference.startsWith('oci')) segments.shift()
  const name = reference.startsWith('oci') || reference.startsWith('docker-archive') ? (segments.pop() ?? 'image') : segments.join('/') || 'image'
  return { name, ...(hasTag ? { tag: rest.slice(colon + 1) } : {}) }
}

export function toReportFinding(f: Finding): VulnerabilityFinding {
  const loc = f.package.locations[0]
  return {
    kind: 'vulnerability',
    id: f.id,
    aliases: f.aliases,
    severity: toReportSeverity(f.severity.level),
    severitySource: f.severity.source,
    ...(f.severity.score !== undefined ? { cvssScore: f.severity.score } : {}),
    ...(f.severity.vector !== undefined ? { cvssVector: f.severity.vector } : {}),
    ...(f.title !== undefined ? { title: f.title } : {}),
    ...(f.url !== undefined ? { url: f.url } : {}),
    package: {
      name: f.package.name,
      version: f.package.version,
      type: f.package.type,
      purl: f.package.purl,
      path: loc?.path ?? '',
      ...(loc?.diffId !== undefined ? { layerDiffId: loc.diffId } : {}),
    },
    installedVersion: f.installedVersion,
    fixedVersions: f.fixedVersions,
    status: f.status,
    dataSource: f.dataSource,
  }
}

export function reportImageOf(inv: ImageInventory): ReportImage {
  const { name, tag } = imageNameOf(inv.image.reference)
  const cfg = inv.image.config
  const platform = inv.image.platform ? platformString(inv.image.platform) : cfg.os && cfg.architecture ? `${cfg.os}/${cfg.architecture}${cfg.variant ? `/${cfg.variant}` : ''}` : undefined
  return {
    reference: inv.image.reference,
    name,
    ...(tag !== undefined ? { tag } : {}),
    manifestDigest: inv.image.manifestDigest,
    configDigest: inv.image.configDigest,
    ...(platform !== undefined ? { platform } : {}),
    ...(inv.os ? { os: inv.os } : {}),
  }
}

export interface ReportExtras {
  /** The scanners that ran (default: vuln only, as before `--scanners`). */
  readonly scanners?: readonly ScannerName[]
  readonly compliance?: ComplianceReport
  readonly truncated?: TruncatedFindings
  readonly unavailable?: readonly UnavailableScanner[]
}

export function buildReport(inv: ImageInventory, dataSource: ReportDataSource, gate: GateResult, extraWarnings: readonly string[], meta: ReportMeta, extras: ReportExtras = {}): ScanReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: meta.toolName, version: meta.toolVersion },
    generatedAt: meta.now.toISOString(),
    image: reportImageOf(inv),
    dataSource,
    packages: inv.packages,
    findings: gate.findings,
    counts: gate.counts,
    countsByKind: gate.countsByKind,
    scanners: extras.scanners ?? ['vuln'],
    ...(extras.unavailable && extras.unavailable.length > 0 ? { unavailable: extras.unavailable } : {}),
    ...(extras.compliance ? { compliance: extras.compliance } : {}),
    ignored: gate.ignored,
    warnings: [...extraWarnings, ...gate.warnings],
    ...(extras.truncated ? { truncated: extras.truncated } : {}),
  }
}
