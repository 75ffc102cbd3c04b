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
 *  - misconfig: runs the image checks on the config, history and per-layer file summaries.
 */
import type { ImageInventory } from '../pipeline/analyze-image.ts'
import type { ComplianceOptions } from '../compliance/compliance-checklist.ts'
import { checkImage } from '../misconfig/check-image.ts'
import type { MisconfigOptions } from '../misconfig/rule.ts'
import type { ReportDataSource, ReportFinding, ScannerName, ScanReport } from '../report/scan-report.ts'
import type { AdvisoryProvider } from '../vuln/db/advisory-provider.ts'
import type { Finding, MatchProblem } from '../vuln/matchers/matcher.ts'
import { buildReport, toReportFinding, type ReportMeta } from './build-report.ts'
import { complianceOf } from './scan-compliance.ts'
import { applyGate, type GatePolicy } from './gate.ts'

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
  readonly misconfig?: MisconfigOptions
  /** Evaluate the compliance checklist (report.compliance); a failed item fails the gate too. */
  readonly compliance?: ComplianceOptions
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

export async function scanImage(opts: ScanOptions): Promise<ScanResult> {
  const scanners = opts.scanners ?? ['vuln']
  const inventory = await opts.inventory()
  const problems: MatchProblem[] = []
  const all: ReportFinding[] = []
  let dataSource = NO_ADVISORY_DATA
  if (scanners.includes('vuln')) {
    if (opts.provider === undefined) throw new Error('the vuln scanner needs an advisory provider')
    const found = await (opts.matcher ?? defaultMatcher)(inventory, opts.provider, (p) => problems.push(p))
    all.push(...found.map(toReportFinding))
    dataSource = await dataSourceOf(opts.provider)
  }
  if (scanners.includes('secret')) {
    if (inventory.secrets === undefined) throw new Error('the secret scanner needs an inventory analysed with the secrets option')
    all.push(...inventory.secrets)
  }
  if (scanners.includes('misconfig')) {
    const { config, annotations } = inventory.image
    all.push(...checkImage({ config, layerFiles: inventory.layerFiles, ...(annotations ? { annotations } : {}) }, opts.misconfig))
  }
  const now = opts.meta.now
  const policy = { ...opts.policy, imageDigest: inventory.image.manifestDigest, now }
  const gate = applyGate(all, policy)
  const warnings = [...(opts.warnings ?? [])]
  if (problems.length > 0) {
    const first = problems[0]
    warnings.push(`${problems.length} package(s) could not be matched${first ? `, e.g. ${first.package.name} ${first.package.version}: ${first.reason}` : ''}`)
  }
  if (inventory.unknowns.length > 0) warnings.push(`${inventory.unknowns.length} file(s) could not be analysed (see the SBOM unknowns)`)
  // The checklist sees every finding the user has not ignored, whatever --severity shows.
  const compliance = opts.compliance ? complianceOf(inventory, applyGate(all, { ...policy, severities: [] }).findings, scanners, opts.compliance) : undefined
  const report = buildReport(inventory, dataSource, gate, warnings, opts.meta, { scanners, ...(compliance ? { compliance } : {}) })
  const failedChecklist = compliance !== undefined && !compliance.passed
  return { report, exitCode: gate.exitCode !== 0 ? gate.exitCode : failedChecklist ? (opts.policy.exitCode ?? 0) : 0 }
}
