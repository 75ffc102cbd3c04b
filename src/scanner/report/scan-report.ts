/**
 * The ScanReport model: what `drydock scan` produces and every formatter reads. Pure data (JSON
 * serialisable), independent of how findings were made, so the registry can store it and the CLI
 * can print it. The `json` format is this model as is (see docs/scan.md), so field names here are
 * part of the public contract: add fields, never rename them.
 */
import type { SecretFinding } from '../analyzers/secret/secret-finding.ts'
import type { ComplianceReport } from '../compliance/compliance-checklist.ts'
import type { MisconfigFinding } from '../misconfig/finding.ts'
import type { OsInfo, PackageRecord, PackageType } from '../model/package.ts'
import { emptyCounts, type ReportSeverity, type SeverityCounts } from './severity-scale.ts'

/** Bumped only for incompatible changes of the JSON shape. */
export const REPORT_SCHEMA_VERSION = 1

export interface ReportImage {
  /** What the user typed (`oci:images/app:1.0`, `registry.example/app:1.0`). */
  readonly reference: string
  /** Repository-ish name for SBOM subjects (`app`, `test/alpine`). */
  readonly name: string
  readonly tag?: string
  readonly manifestDigest: string
  readonly configDigest?: string
  /** `os/arch[/variant]` of the image that was scanned. */
  readonly platform?: string
  readonly os?: OsInfo
}

export interface ReportSourceInfo {
  readonly name: string
  readonly kind: string
  readonly location: string
  readonly importedAt: string
  readonly records: number
}

/** Which advisory data the findings come from and how old it is: every format shows `updatedAt`. */
export interface ReportDataSource {
  readonly dbSchemaVersion: number
  /** ISO time of the last import into the database; undefined for an empty database. */
  readonly updatedAt: string | undefined
  readonly sources: readonly ReportSourceInfo[]
}

export interface FindingPackage {
  readonly name: string
  readonly version: string
  readonly type: PackageType
  readonly purl: string
  /** The file the package was found in (first location), no leading slash. */
  readonly path: string
  readonly layerDiffId?: string
}

/** The fields every kind of finding has, on one severity scale. */
interface FindingBase {
  readonly id: string
  readonly severity: ReportSeverity
  /** Where the severity came from: `ghsa`, `nvd`, `debian`, `osv`, `none`, ... */
  readonly severitySource: string
  readonly title?: string
  readonly url?: string
}

export interface VulnerabilityFinding extends FindingBase {
  readonly kind: 'vulnerability'
  readonly aliases: readonly string[]
  readonly package: FindingPackage
  readonly installedVersion: string
  /** Empty when `status` is 'unfixed'. */
  readonly fixedVersions: readonly string[]
  readonly status: 'fixed' | 'unfixed'
  readonly cvssScore?: number
  readonly cvssVector?: string
  readonly dataSource: string
}

/**
 * Every finding of a report, told apart by `kind`. Secrets (`kind: 'secret'`: rule id, category,
 * redacted `match`, `fingerprint`, `line`, location) and misconfigurations (`kind: 'misconfig'`:
 * check id, redacted `evidence`, location) share `id`, `severity` (same scale), `title` and
 * `remediation`. No finding ever holds a raw secret.
 */
export type ReportFinding = VulnerabilityFinding | SecretFinding | MisconfigFinding

export type FindingKind = ReportFinding['kind']
export const FINDING_KINDS: readonly FindingKind[] = ['vulnerability', 'secret', 'misconfig']

/** The scanners of `--scanners`, and the finding kind each one produces. */
export const SCANNER_NAMES = ['vuln', 'secret', 'misconfig'] as const
export type ScannerName = (typeof SCANNER_NAMES)[number]
export const KIND_OF_SCANNER: Record<ScannerName, FindingKind> = { vuln: 'vulnerability', secret: 'secret', misconfig: 'misconfig' }

export type CountsByKind = Record<FindingKind, SeverityCounts>

export type IgnoreOrigin = 'ignorefile' | 'vex' | 'ignore-unfixed'

export interface IgnoredFinding {
  readonly finding: ReportFinding
  readonly origin: IgnoreOrigin
  /** The reason given in the ignore file, the VEX justification/statement, or the flag. */
  readonly reason: string
  /** OpenVEX justification (`vulnerable_code_not_present`, ...) when a VEX statement gave one. */
  readonly justification?: string
}

export interface ScanReport {
  readonly schemaVersion: number
  readonly tool: { readonly name: string; readonly version: string }
  /** ISO time the report was made. */
  readonly generatedAt: string
  readonly image: ReportImage
  readonly dataSource: ReportDataSource
  /** The inventory the findings were matched against (the CycloneDX format lists it). */
  readonly packages: readonly PackageRecord[]
  /** Findings that remain after filtering and ignoring, highest severity first. */
  readonly findings: readonly ReportFinding[]
  /** Remaining findings by severity, all kinds together. */
  readonly counts: SeverityCounts
  /** The same per kind; a kind whose scanner did not run counts zero (see `scanners`). */
  readonly countsByKind: CountsByKind
  /** The scanners that ran. Reports from before `--scanners` have only vulnerabilities. */
  readonly scanners: readonly ScannerName[]
  /**
   * Scanners that were wanted but could not run, with why (the registry's scan on push without an
   * advisory DB: `vuln`). Their kind counts zero because nothing looked, not because nothing was
   * found: a gate must treat them as not checked.
   */
  readonly unavailable?: readonly UnavailableScanner[]
  /** The compliance checklist, when it was asked for (`--compliance`). */
  readonly compliance?: ComplianceReport
  readonly ignored: readonly IgnoredFinding[]
  /** Things the reader should know: stale data, expired ignore entries, skipped packages. */
  readonly warnings: readonly string[]
  /**
   * Present when the scan found more than it lists (a findings bound was hit: scan limits
   * maxFindingsPerLayer / maxFindingsPerImage). `findings` and the counts cover what is listed.
   */
  readonly truncated?: TruncatedFindings
}

export interface UnavailableScanner {
  readonly scanner: ScannerName
  readonly reason: string
}

export interface TruncatedFindings {
  /** Findings found but not listed. */
  readonly omittedFindings: number
  /** Which bound was hit, and where. */
  readonly reasons: readonly string[]
}

export function countByKind(findings: readonly ReportFinding[]): CountsByKind {
  return {
    vulnerability: countBySeverity(findings.filter((f) => f.kind === 'vulnerability')),
    secret: countBySeverity(findings.filter((f) => f.kind === 'secret')),
    misconfig: countBySeverity(findings.filter((f) => f.kind === 'misconfig')),
  }
}

/** The vulnerability findings of a list (formats and consumers that know only vulnerabilities). */
export function vulnerabilitiesOf(findings: readonly ReportFinding[]): VulnerabilityFinding[] {
  return findings.filter((f): f is VulnerabilityFinding => f.kind === 'vulnerability')
}

export function countBySeverity(findings: readonly { readonly severity: ReportSeverity }[]): SeverityCounts {
  const counts = emptyCounts()
  for (const f of findings) counts[f.severity]++
  return counts
}
