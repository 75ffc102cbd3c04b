/**
 * The conditions judged from one image's scan report: scan freshness, vulnerabilities (with
 * --ignore-unfixed and the allowlist), secrets, misconfigurations and compliance items. Stored
 * reports are ungated (every severity, nothing ignored), so the policy applies its own filters.
 *
 * Absence is never proof: a scanner that did not run, or ran `unavailable` (no advisory DB), fails
 * the conditions that need it instead of counting zero findings; a `truncated` report fails a
 * "no findings" condition it cannot prove from the listed findings.
 */
import type { FindingLocation } from '../../scanner/misconfig/finding.ts'
import type { ScannerName, ScanReport, VulnerabilityFinding } from '../../scanner/report/scan-report.ts'
import { describeAge } from '../../scanner/report/data-age.ts'
import { SEVERITIES_HIGH_FIRST, severityRank, type ReportSeverity } from '../../scanner/report/severity-scale.ts'
import { DAY_MS, type ComplianceItemId, type ConditionName, type MisconfigCondition, type PolicyConditions, type VulnerabilityCondition } from './policy.ts'

export interface PolicyFailure {
  readonly condition: ConditionName
  /** One line, no platform prefix. */
  readonly message: string
  /** The platform of an index entry the failure is about. */
  readonly platform?: string
}

/** Allowlist bookkeeping across the images of one evaluation, for the details page. */
export interface AllowlistUse {
  readonly id: string
  readonly reason: string
  readonly expiresAt: string
  readonly expired: boolean
  /** Findings this entry waived (active) or would have waived (expired). */
  findings: number
}

const MAX_EXAMPLES = 3

function examples(items: readonly string[]): string {
  const unique = [...new Set(items)]
  const shown = unique.slice(0, MAX_EXAMPLES).join(', ')
  return unique.length > MAX_EXAMPLES ? `${shown}, …` : shown
}

/** `2 CRITICAL, 1 HIGH vulnerabilities`; `plural` for nouns that do not just take an s. */
function counted(findings: readonly { readonly severity: ReportSeverity }[], noun: string, plural = `${noun}s`): string {
  const parts = SEVERITIES_HIGH_FIRST.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`)
  return `${parts.join(', ')} ${findings.length === 1 ? noun : plural}`
}

function where(l: FindingLocation | undefined): string {
  if (l === undefined) return 'the image'
  if (l.kind === 'config') return l.field
  if (l.kind === 'dockerfile') return `${l.path}:${l.line}`
  return `/${l.path}`
}

/** Did the scanner run and look? Old reports without `scanners` had vulnerabilities only. */
function scannerProblem(report: ScanReport, name: ScannerName, what: string): string | undefined {
  const unavailable = report.unavailable?.find((u) => u.scanner === name)
  if (unavailable) return `${what} not checked: ${unavailable.reason}`
  if (!(report.scanners ?? ['vuln']).includes(name)) return `${what} not checked: the scan did not run the ${name} scanner`
  // No import ever happened: the matchers looked at nothing.
  if (name === 'vuln' && report.dataSource?.updatedAt === undefined) return `${what} not checked: the advisory DB was empty`
  return undefined
}

function truncation(report: ScanReport, what: string): string | undefined {
  const t = report.truncated
  if (t === undefined || t.omittedFindings <= 0) return undefined
  return `cannot show there are no ${what}: the scan report omits ${t.omittedFindings} finding${t.omittedFindings === 1 ? '' : 's'} (${t.reasons.join('; ')})`
}

function matchesEntry(f: VulnerabilityFinding, entryId: string): boolean {
  const id = entryId.toUpperCase()
  return f.id.toUpperCase() === id || (f.aliases ?? []).some((a) => a.toUpperCase() === id)
}

function judgeScanAge(maxDays: number, report: ScanReport, now: Date): string | undefined {
  const updatedAt = report.dataSource?.updatedAt
  const updated = updatedAt === undefined ? NaN : Date.parse(updatedAt)
  if (!Number.isFinite(updated)) return `the scan's advisory data has no readable update time (${String(updatedAt)})`
  if (now.getTime() - updated <= maxDays * DAY_MS) return undefined
  const days = `${maxDays} day${maxDays === 1 ? '' : 's'}`
  return `the scan's advisory data is older than ${days} (updated ${updatedAt}, ${describeAge(updatedAt, now)} ago); rescan the image`
}

function judgeVulnerabilities(v: VulnerabilityCondition, report: ScanReport, now: Date, allowlist: Map<string, AllowlistUse>): string | undefined {
  const threshold = severityRank(v.atOrAbove)
  const failing: VulnerabilityFinding[] = []
  for (const f of report.findings ?? []) {
    if (f.kind !== 'vulnerability' || severityRank(f.severity) < threshold) continue
    if (v.ignoreUnfixed && f.status === 'unfixed') continue
    const entries = v.allowlist.filter((e) => matchesEntry(f, e.id))
    for (const e of entries) {
      const use = allowlist.get(e.id) ?? { id: e.id, reason: e.reason, expiresAt: e.expiresAt, expired: now.getTime() >= e.expiresAtMs, findings: 0 }
      use.findings++
      allowlist.set(e.id, use)
    }
    // An expired entry stops counting at `now`: the finding is refused again.
    if (entries.some((e) => now.getTime() < e.expiresAtMs)) continue
    failing.push(f)
  }
  if (failing.length === 0) return truncation(report, `vulnerabilities at or above ${v.atOrAbove}`)
  const expired = [...allowlist.values()].filter((u) => u.expired && failing.some((f) => matchesEntry(f, u.id)))
  const note = expired.length > 0 ? ` (allowlist expired: ${examples(expired.map((u) => `${u.id} on ${u.expiresAt}`))})` : ''
  return `${counted(failing, 'vulnerability', 'vulnerabilities')} (${examples(failing.map((f) => `${f.id} in ${f.package.name} ${f.installedVersion}`))})${note}`
}

function judgeSecrets(report: ScanReport): string | undefined {
  const secrets = (report.findings ?? []).filter((f) => f.kind === 'secret')
  if (secrets.length === 0) return truncation(report, 'secrets')
  return `${secrets.length} secret${secrets.length === 1 ? '' : 's'} (${examples(secrets.map((f) => `${f.id} in ${where(f.location)}`))})`
}

function judgeMisconfigs(m: MisconfigCondition, report: ScanReport): string | undefined {
  const failing = (report.findings ?? []).filter((f) => f.kind === 'misconfig' && severityRank(f.severity) >= severityRank(m.atOrAbove))
  if (failing.length === 0) return truncation(report, `misconfigurations at or above ${m.atOrAbove}`)
  return `${counted(failing, 'misconfiguration')} (${examples(failing.map((f) => `${f.id} ${f.title ?? ''}`.trim()))})`
}

function judgeCompliance(ids: readonly ComplianceItemId[], report: ScanReport): string | undefined {
  const checklist = report.compliance
  if (checklist === undefined) return 'no compliance checklist in the scan report'
  const missed = ids.map((id) => ({ id, item: checklist.items.find((i) => i.id === id) })).filter(({ item }) => item?.status !== 'pass')
  if (missed.length === 0) return undefined
  const why = missed.map(({ id, item }) => (item === undefined ? `${id} (not checked)` : item.evidence[0] ? `${id} (${item.evidence[0]})` : id))
  return `compliance item${missed.length === 1 ? '' : 's'} failed: ${examples(why)}`
}

/** The failures of one image's report, at most one per condition, in condition order. */
export function judgeReport(require: PolicyConditions, report: ScanReport, now: Date, allowlist: Map<string, AllowlistUse>): PolicyFailure[] {
  const failures: PolicyFailure[] = []
  const check = (condition: ConditionName, message: string | undefined): void => {
    if (message !== undefined) failures.push({ condition, message })
  }
  const vulnProblem = scannerProblem(report, 'vuln', 'vulnerabilities')
  if (require.scan !== undefined) {
    const maxDays = require.scan.maxAdvisoryAgeDays
    check('scan', vulnProblem ?? (maxDays === undefined ? undefined : judgeScanAge(maxDays, report, now)))
  }
  const v = require.vulnerabilities
  // A missing vulnerability scanner is reported once: under `scan` when the policy sets it.
  if (v !== undefined) check('vulnerabilities', vulnProblem === undefined ? judgeVulnerabilities(v, report, now, allowlist) : require.scan === undefined ? vulnProblem : undefined)
  if (require.noSecrets) check('noSecrets', scannerProblem(report, 'secret', 'secrets') ?? judgeSecrets(report))
  const m = require.misconfigurations
  if (m !== undefined) check('misconfigurations', scannerProblem(report, 'misconfig', 'misconfigurations') ?? judgeMisconfigs(m, report))
  if (require.compliance !== undefined) check('compliance', judgeCompliance(require.compliance, report))
  return failures
}
