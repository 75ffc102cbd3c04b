/**
 * scanImage: inventory -> matching -> gate -> report. The three stages sit behind narrow
 * interfaces (InventoryProvider, FindingsMatcher, AdvisoryProvider) so the registry's scan-on-push
 * and tests can swap any of them; the defaults are the real pipeline and the built-in matchers.
 */
import type { ImageInventory } from '../pipeline/analyze-image.ts'
import type { ScanReport } from '../report/scan-report.ts'
import type { AdvisoryProvider } from '../vuln/db/advisory-provider.ts'
import type { Finding, MatchProblem } from '../vuln/matchers/matcher.ts'
import { buildReport, toReportFinding, type ReportMeta } from './build-report.ts'
import { applyGate, type GatePolicy } from './gate.ts'

/** Produces the image's inventory (the default wraps analyzeImage). */
export type InventoryProvider = () => Promise<ImageInventory>

/** Turns an inventory into findings (the default wraps matchPackages with the built-in matchers). */
export type FindingsMatcher = (inventory: ImageInventory, provider: AdvisoryProvider, onProblem: (p: MatchProblem) => void) => Promise<Finding[]>

export interface ScanOptions {
  readonly inventory: InventoryProvider
  readonly provider: AdvisoryProvider
  readonly matcher?: FindingsMatcher
  readonly policy: Omit<GatePolicy, 'imageDigest' | 'now'>
  readonly meta: ReportMeta
  /** Warnings found before the scan (a stale database), carried into the report. */
  readonly warnings?: readonly string[]
}

export interface ScanResult {
  readonly report: ScanReport
  readonly exitCode: number
}

const defaultMatcher: FindingsMatcher = async (inv, provider, onProblem) => {
  const { matchPackages } = await import('../vuln/matchers/builtin-matchers.ts')
  return matchPackages(inv.packages, { provider, ...(inv.os ? { os: inv.os } : {}), onProblem })
}

export async function scanImage(opts: ScanOptions): Promise<ScanResult> {
  const inventory = await opts.inventory()
  const problems: MatchProblem[] = []
  const findings = await (opts.matcher ?? defaultMatcher)(inventory, opts.provider, (p) => problems.push(p))
  const sources = await opts.provider.dataSources()
  const dataSource = {
    dbSchemaVersion: opts.provider.dbVersion,
    updatedAt: opts.provider.updatedAt,
    sources: sources.map((s) => ({ name: s.name, kind: s.kind, location: s.location, importedAt: s.importedAt, records: s.records })),
  }
  const gate = applyGate(findings.map(toReportFinding), { ...opts.policy, imageDigest: inventory.image.manifestDigest, now: opts.meta.now })
  const warnings = [...(opts.warnings ?? [])]
  if (problems.length > 0) {
    const first = problems[0]
    warnings.push(`${problems.length} package(s) could not be matched${first ? `, e.g. ${first.package.name} ${first.package.version}: ${first.reason}` : ''}`)
  }
  if (inventory.unknowns.length > 0) warnings.push(`${inventory.unknowns.length} file(s) could not be analysed (see the SBOM unknowns)`)
  return { report: buildReport(inventory, dataSource, gate, warnings, opts.meta), exitCode: gate.exitCode }
}
