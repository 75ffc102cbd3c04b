/**
 * The CI gate, as a pure function: which findings a report keeps, which it lists as ignored (and
 * why), what it warns about, and the exit code. Order of the rules:
 *
 *   1. `--ignore-unfixed`: findings without a fixed version are ignored;
 *   2. VEX statements (`not_affected` / `fixed`) suppress the finding for their product;
 *      `under_investigation` / `affected` keep it;
 *   3. ignore-file entries that have not expired (an expired entry is reported as a warning and
 *      ignores nothing);
 *   4. `--severity`: only the listed severities are reported and counted (default: all).
 *
 * If any finding remains, the exit code is `--exit-code` (default 0, so a scan only fails a build
 * when asked to, as in Trivy).
 */
import type { IgnoredFinding, ReportFinding } from '../report/scan-report.ts'
import { countBySeverity } from '../report/scan-report.ts'
import { REPORT_SEVERITIES, severityRank, type ReportSeverity, type SeverityCounts } from '../report/severity-scale.ts'
import { purlMatches } from './purl-match.ts'

export interface IgnoreRule {
  /** Advisory id or any alias (CVE id). */
  readonly id: string
  /** Limits the rule to a package name. */
  readonly package?: string
  /** Limits the rule to packages matching this purl (see purl-match.ts). */
  readonly purl?: string
  readonly reason: string
  /** `YYYY-MM-DD`: the rule applies through the end of that day (UTC). */
  readonly expires?: string
}

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation'

export interface VexStatement {
  /** Vulnerability name plus its aliases, as the statement gives them. */
  readonly vulnerabilityIds: readonly string[]
  /** Product identifiers: purls, or image digests (`sha256:...`, `pkg:oci/...@sha256%3A...`). */
  readonly products: readonly string[]
  /** When set, the statement covers only these components of the products. */
  readonly subcomponents: readonly string[]
  readonly status: VexStatus
  readonly justification?: string
  readonly statement?: string
  /** ISO time; a later statement about the same finding wins. */
  readonly timestamp?: string
}

export interface GatePolicy {
  /** Severities that are reported and counted; empty or absent = all. */
  readonly severities?: readonly ReportSeverity[]
  readonly ignoreUnfixed?: boolean
  /** Exit code when findings remain (default 0). */
  readonly exitCode?: number
  readonly ignoreRules?: readonly IgnoreRule[]
  readonly vex?: readonly VexStatement[]
  /** The scanned image's manifest digest, for VEX statements about the image as a whole. */
  readonly imageDigest?: string
  readonly now: Date
}

export interface GateResult {
  readonly findings: readonly ReportFinding[]
  readonly ignored: readonly IgnoredFinding[]
  readonly warnings: readonly string[]
  readonly counts: SeverityCounts
  readonly exitCode: number
}

function idsOf(f: ReportFinding): string[] {
  return [f.id, ...f.aliases]
}

export function isExpired(rule: IgnoreRule, now: Date): boolean {
  if (rule.expires === undefined) return false
  return now.getTime() >= Date.parse(`${rule.expires}T00:00:00Z`) + 86_400_000
}

function ruleMatches(rule: IgnoreRule, f: ReportFinding): boolean {
  if (!idsOf(f).includes(rule.id)) return false
  if (rule.package !== undefined && rule.package !== f.package.name) return false
  return rule.purl === undefined || purlMatches(rule.purl, f.package.purl)
}

function stamp(s: VexStatement): number {
  return Date.parse(s.timestamp ?? '') || 0
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function productMatches(product: string, f: ReportFinding, imageDigest: string | undefined): 'package' | 'image' | undefined {
  if (imageDigest !== undefined && (product === imageDigest || safeDecode(product).includes(`@${imageDigest}`))) return 'image'
  return product.startsWith('pkg:') && purlMatches(product, f.package.purl) ? 'package' : undefined
}

/** The latest VEX statement that covers this finding, if any. */
export function vexFor(f: ReportFinding, statements: readonly VexStatement[], imageDigest: string | undefined): VexStatement | undefined {
  const ids = idsOf(f)
  let best: VexStatement | undefined
  for (const s of statements) {
    if (!s.vulnerabilityIds.some((v) => ids.includes(v))) continue
    const hit = s.products.some((p) => {
      const kind = productMatches(p, f, imageDigest)
      if (kind === 'package') return true
      return kind === 'image' && (s.subcomponents.length === 0 || s.subcomponents.some((c) => purlMatches(c, f.package.purl)))
    })
    // Later statements win; without timestamps, the later one in the document does.
    if (hit && (best === undefined || stamp(s) >= stamp(best))) best = s
  }
  return best
}

export function applyGate(all: readonly ReportFinding[], policy: GatePolicy): GateResult {
  const severities = policy.severities && policy.severities.length > 0 ? policy.severities : REPORT_SEVERITIES
  const rules = policy.ignoreRules ?? []
  const warnings: string[] = []
  for (const r of rules) {
    if (isExpired(r, policy.now)) warnings.push(`ignore entry for ${r.id}${r.package ? ` (${r.package})` : ''} expired on ${r.expires}: its findings are reported again`)
  }
  const active = rules.filter((r) => !isExpired(r, policy.now))
  const kept: ReportFinding[] = []
  const ignored: IgnoredFinding[] = []
  for (const f of all) {
    if (!severities.includes(f.severity)) continue
    if (policy.ignoreUnfixed === true && f.status === 'unfixed') {
      ignored.push({ finding: f, origin: 'ignore-unfixed', reason: 'no fixed version available (--ignore-unfixed)' })
      continue
    }
    const vex = vexFor(f, policy.vex ?? [], policy.imageDigest)
    if (vex !== undefined && (vex.status === 'not_affected' || vex.status === 'fixed')) {
      const why = vex.justification ?? vex.statement
      ignored.push({ finding: f, origin: 'vex', reason: `${vex.status}${why ? `: ${why}` : ''}`, ...(vex.justification ? { justification: vex.justification } : {}) })
      continue
    }
    const rule = active.find((r) => ruleMatches(r, f))
    if (rule !== undefined) {
      ignored.push({ finding: f, origin: 'ignorefile', reason: rule.reason })
      continue
    }
    kept.push(f)
  }
  const order = (a: ReportFinding, b: ReportFinding): number =>
    severityRank(b.severity) - severityRank(a.severity) || a.package.name.localeCompare(b.package.name) || a.id.localeCompare(b.id)
  kept.sort(order)
  return { findings: kept, ignored, warnings, counts: countBySeverity(kept), exitCode: kept.length > 0 ? (policy.exitCode ?? 0) : 0 }
}
