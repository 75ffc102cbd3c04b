/**
 * The CI gate, as a pure function: which findings a report keeps, which it lists as ignored (and
 * why), what it warns about, and the exit code. One gate for every kind of finding
 * (vulnerability, secret, misconfig). Order of the rules:
 *
 *   1. `--severity`: only the listed severities are reported and counted (default: all);
 *   2. `--ignore-unfixed` (vulnerabilities only): findings without a fixed version are ignored;
 *   3. VEX statements (vulnerabilities only; `not_affected` / `fixed`) suppress the finding for
 *      their product; `under_investigation` / `affected` keep it;
 *   4. ignore-file entries that have not expired (an expired entry is reported as a warning and
 *      ignores nothing): advisory ids and aliases, secret and misconfiguration rule ids, secret
 *      fingerprints.
 *
 * If any finding remains, the exit code is `--exit-code` (default 0, so a scan only fails a build
 * when asked to, as in Trivy).
 */
import type { CountsByKind, FindingKind, IgnoredFinding, ReportFinding, VulnerabilityFinding } from '../report/scan-report.ts'
import { countByKind, countBySeverity, FINDING_KINDS } from '../report/scan-report.ts'
import { findingSubject } from '../report/finding-subject.ts'
import { REPORT_SEVERITIES, severityRank, type ReportSeverity, type SeverityCounts } from '../report/severity-scale.ts'
import { purlMatches } from './purl-match.ts'

export interface IgnoreRule {
  /** Advisory id or any alias (CVE id), or a secret / misconfiguration rule id. */
  readonly id?: string
  /** Only findings of this kind (the ignore file's section); absent: any kind. */
  readonly kind?: FindingKind
  /** One secret: `sha256:` + 16 hex digits, as reports print it (secrets only). */
  readonly fingerprint?: string
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
  readonly countsByKind: CountsByKind
  readonly exitCode: number
}

/** How an ignore entry names itself in warnings. */
export function ruleLabel(rule: IgnoreRule): string {
  return [rule.id, rule.fingerprint].filter((x) => x !== undefined).join(' ') || '(empty entry)'
}

function idsOf(f: VulnerabilityFinding): string[] {
  return [f.id, ...f.aliases]
}

export function isExpired(rule: IgnoreRule, now: Date): boolean {
  if (rule.expires === undefined) return false
  return now.getTime() >= Date.parse(`${rule.expires}T00:00:00Z`) + 86_400_000
}

function ruleMatches(rule: IgnoreRule, f: ReportFinding): boolean {
  if (rule.kind !== undefined && rule.kind !== f.kind) return false
  if (rule.id === undefined && rule.fingerprint === undefined) return false
  if (f.kind === 'secret') {
    if (rule.package !== undefined || rule.purl !== undefined) return false
    return (rule.id === undefined || rule.id === f.id) && (rule.fingerprint === undefined || rule.fingerprint.toLowerCase() === f.fingerprint)
  }
  if (f.kind === 'misconfig') return rule.fingerprint === undefined && rule.package === undefined && rule.purl === undefined && rule.id === f.id
  if (rule.fingerprint !== undefined || rule.id === undefined || !idsOf(f).includes(rule.id)) return false
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

function productMatches(product: string, f: VulnerabilityFinding, imageDigest: string | undefined): 'package' | 'image' | undefined {
  if (imageDigest !== undefined && (product === imageDigest || safeDecode(product).includes(`@${imageDigest}`))) return 'image'
  return product.startsWith('pkg:') && purlMatches(product, f.package.purl) ? 'package' : undefined
}

/** The latest VEX statement that covers this finding, if any. */
export function vexFor(f: VulnerabilityFinding, statements: readonly VexStatement[], imageDigest: string | undefined): VexStatement | undefined {
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
    if (isExpired(r, policy.now)) warnings.push(`ignore entry for ${ruleLabel(r)}${r.package ? ` (${r.package})` : ''} expired on ${r.expires}: its findings are reported again`)
  }
  const active = rules.filter((r) => !isExpired(r, policy.now))
  const kept: ReportFinding[] = []
  const ignored: IgnoredFinding[] = []
  for (const f of all) {
    if (!severities.includes(f.severity)) continue
    if (f.kind === 'vulnerability' && policy.ignoreUnfixed === true && f.status === 'unfixed') {
      ignored.push({ finding: f, origin: 'ignore-unfixed', reason: 'no fixed version available (--ignore-unfixed)' })
      continue
    }
    const vex = f.kind === 'vulnerability' ? vexFor(f, policy.vex ?? [], policy.imageDigest) : undefined
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
  kept.sort(findingOrder)
  return { findings: kept, ignored, warnings, counts: countBySeverity(kept), countsByKind: countByKind(kept), exitCode: kept.length > 0 ? (policy.exitCode ?? 0) : 0 }
}

/** Highest severity first, then vulnerabilities, secrets, misconfigurations, then subject and id. */
export function findingOrder(a: ReportFinding, b: ReportFinding): number {
  return severityRank(b.severity) - severityRank(a.severity) || FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
    findingSubject(a).localeCompare(findingSubject(b)) || a.id.localeCompare(b.id)
}
