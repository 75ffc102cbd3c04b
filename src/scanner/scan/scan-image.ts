/**
 * scanImage: inventory -> findings (vulnerabilities, secrets, misconfigurations) -> gate ->
 * report. The stages sit behind narrow interfaces (InventoryProvider, FindingsMatcher,
 * AdvisoryProvider) so the registry's scan-on-push and tests can swap any of them; the defaults
 * are the real pipeline and the built-in matchers.
 *
 * Scanners (`scanners`, default `['vuln']` for callers written before secrets joined):
 *  - vuln: matches the inventory's packages against `provider` (required only then);
 *  - secret: takes the inventory's `secrets`, so the inventory must come from analyzeImage with
 *    AnalyzeOptions.secrets (one pass over the layers), else scanImage throws;
 *  - misconfig: runs the image checks on the config, history and per-layer file summaries, and,
 *    given the image's `source`, on the web-server configs read from the layers that hold them
 *    (DRY-DI-0008): `drydock scan` and the registry's scan both pass it, so both run every check.
 *
 * A scanner the caller wanted but could not run (the registry without an advisory DB) is passed
 * in `unavailable` with its reason: the report carries it, so its zero counts are never read as
 * "nothing found", and the checklist items that need it fail as not checked.
 */
import type { ImageInventory } from '../pipeline/analyze-image.ts'
import type { ComplianceOptions } from '../compliance/compliance-checklist.ts'
import { checkImage } from '../misconfig/check-image.ts'
import type { MisconfigOptions } from '../misconfig/rule.ts'
import { DEFAULT_SCAN_LIMITS } from '../image/scan-limits.ts'
import type { ImageSource } from '../image/source.ts'
import { readWebServerConfigs } from '../misconfig/web-server/config-files.ts'
import { countByKind, countBySeverity, type ReportDataSource, type ReportFinding, type ScannerName, type ScanReport, type TruncatedFindings, type UnavailableScanner } from '../report/scan-report.ts'
import type { AdvisoryProvider } from '../vuln/db/advisory-provider.ts'
import type { Finding, MatchProblem } from '../vuln/matchers/matcher.ts'
import { buildReport, toReportFinding, type ReportMeta } from './build-report.ts'
import { complianceOf } from './scan-compliance.ts'
import { applyGate, type GatePolicy, type GateResult } from './gate.ts'

/** Produces the image's inventory (the default wraps analyzeImage). */
export type InventoryProvider = () => Promise<ImageInventory>

/** Turns an inventory into findings (the default wraps matchPackages with the built-in matchers). */
export type FindingsMatcher = (inventory: ImageInventory, provider: AdvisoryProvider, onProblem: (p: MatchProblem) => void) => Promise<Finding[]>

export interface ScanOptions {
  readonly inventory: InventoryProvider
  /** The advisory data; required when `vuln` is among the scanners. */
  readonly provider?: AdvisoryProvider
  readonly matcher?: FindingsMatcher
  readonly policy: Omit<GatePolicy, 'imageDigest' | 'now'>
  readonly meta: ReportMeta
  /** Warnings found before the scan (a stale database), carried into the report. */
  readonly warnings?: readonly string[]
  /** Which scanners run (default `['vuln']`). */
  readonly scanners?: readonly ScannerName[]
  /** Scanners wanted but unable to run, with the reason (not among `scanners`). */
  readonly unavailable?: readonly UnavailableScanner[]
  /** The image the inventory is of: the misconfig scanner reads web-server configs from its layers. */
  readonly source?: ImageSource
  readonly signal?: AbortSignal
  readonly misconfig?: MisconfigOptions
  /** Evaluate the compliance checklist (report.compliance); a failed item fails the gate too. */
  readonly compliance?: ComplianceOptions
  /** Most findings the report lists, most severe first (default ScanLimits.maxFindingsPerImage); the rest are counted in `truncated`. */
  readonly maxFindings?: number
}

export interface ScanResult {
  readonly report: ScanReport
  readonly exitCode: number
}

/** The data source of a scan that did not use advisory data (no `vuln` scanner). */
export const NO_ADVISORY_DATA: ReportDataSource = { dbSchemaVersion: 0, updatedAt: undefined, sources: [] }

const defaultMatcher: FindingsMatcher = async (inv, provider, onProblem) => {
  const { matchPackages } = await import('../vuln/matchers/builtin-matchers.ts')
  return matchPackages(inv.packages, { provider, ...(inv.os ? { os: inv.os } : {}), onProblem })
}

async function dataSourceOf(provider: AdvisoryProvider): Promise<ReportDataSource> {
  const sources = await provider.dataSources()
  return {
    dbSchemaVersion: provider.dbVersion,
    updatedAt: provider.updatedAt,
    sources: sources.map((s) => ({ name: s.name, kind: s.kind, location: s.location, importedAt: s.importedAt, records: s.records })),
  }
}

/**
 * Lists at most `max` findings: the gate sorted them most severe first, so the ones cut are the
 * least severe. Counts cover the listed findings; what the inventory already left out (secrets
 * past a layer's or the image's bound) and what is cut here make `truncated`.
 */
function boundFindings(gate: GateResult, inventory: ImageInventory, max: number): { gate: GateResult; truncated?: TruncatedFindings } {
  const cut = Math.max(0, gate.findings.length - max)
  const before = inventory.omitted
  if (cut === 0 && !before) return { gate }
  const findings = cut > 0 ? gate.findings.slice(0, max) : gate.findings
  const reasons = [...(before?.reasons ?? []), ...(cut > 0 ? [`${cut} finding(s) past maxFindingsPerImage (${max})`] : [])]
  return {
    gate: cut > 0 ? { ...gate, findings, counts: countBySeverity(findings), countsByKind: countByKind(findings) } : gate,
    truncated: { omittedFindings: (before?.count ?? 0) + cut, reasons },
  }
}

export async function scanImage(opts: ScanOptions): Promise<ScanResult> {
  const scanners = opts.scanners ?? ['vuln']
  const inventory = await opts.inventory()
  const problems: MatchProblem[] = []
  const all: ReportFinding[] = []
  let dataSource = NO_ADVISORY_DATA
  if (scanners.includes('vuln')) {
    if (opts.provider === undefined) throw new Error('the vuln scanner needs an advisory provider')
    const found = await (opts.matcher ?? defaultMatcher)(inventory, opts.provider, (p) => problems.push(p))
    // One by one, here and below: spreading a list of unbounded length overflows the call stack.
    for (const f of found) all.push(toReportFinding(f))
    dataSource = await dataSourceOf(opts.provider)
  }
  if (scanners.includes('secret')) {
    if (inventory.secrets === undefined) throw new Error('the secret scanner needs an inventory analysed with the secrets option')
    for (const f of inventory.secrets) all.push(f)
  }
  if (scanners.includes('misconfig')) {
    const { config, annotations } = inventory.image
    const configFiles = opts.source ? await readWebServerConfigs(opts.source, inventory, opts.signal ? { signal: opts.signal } : {}) : undefined
    for (const f of checkImage({ config, layerFiles: inventory.layerFiles, ...(configFiles ? { configFiles } : {}), ...(annotations ? { annotations } : {}) }, opts.misconfig)) all.push(f)
  }
  const now = opts.meta.now
  const policy = { ...opts.policy, imageDigest: inventory.image.manifestDigest, now }
  const { gate, truncated } = boundFindings(applyGate(all, policy), inventory, opts.maxFindings ?? DEFAULT_SCAN_LIMITS.maxFindingsPerImage)
  const unavailable = (opts.unavailable ?? []).filter((u) => !scanners.includes(u.scanner))
  const warnings = [...(opts.warnings ?? []), ...unavailable.map((u) => `${u.scanner === 'vuln' ? 'vulnerabilities' : u.scanner}: unavailable (${u.reason})`)]
  if (problems.length > 0) {
    const first = problems[0]
    warnings.push(`${problems.length} package(s) could not be matched${first ? `, e.g. ${first.package.name} ${first.package.version}: ${first.reason}` : ''}`)
  }
  if (inventory.unknowns.length > 0) warnings.push(`${inventory.unknowns.length} file(s) could not be analysed (see the SBOM unknowns)`)
  // The checklist sees every finding the user has not ignored, whatever --severity shows.
  const compliance = opts.compliance ? complianceOf(inventory, applyGate(all, { ...policy, severities: [] }).findings, scanners, opts.compliance, unavailable) : undefined
  const report = buildReport(inventory, dataSource, gate, warnings, opts.meta, { scanners, unavailable, ...(compliance ? { compliance } : {}), ...(truncated ? { truncated } : {}) })
  const failedChecklist = compliance !== undefined && !compliance.passed
  return { report, exitCode: gate.exitCode !== 0 ? gate.exitCode : failedChecklist ? (opts.policy.exitCode ?? 0) : 0 }
}
