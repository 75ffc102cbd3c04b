/**
 * `--format table`: for people reading a terminal or a CI log. A summary line with the counts
 * (all kinds, then per kind), the advisory data's age, then one section per kind of finding:
 * vulnerabilities grouped by severity, highest first; secrets (redacted match and fingerprint,
 * never the secret); misconfigurations. Ignored findings, the compliance checklist and warnings
 * come last. Plain text unless `color` is set (the CLI sets it only for a TTY).
 */
import { formatCompliance } from '../compliance/compliance-checklist.ts'
import { dataAgeLine } from './data-age.ts'
import type { FormatOptions, ReportFormatter } from './formatter.ts'
import { findingSubject } from './finding-subject.ts'
import { countBySeverity, KIND_OF_SCANNER, type FindingKind, type ReportFinding, type ScanReport, type ScannerName, type VulnerabilityFinding } from './scan-report.ts'
import { SEVERITIES_HIGH_FIRST, type ReportSeverity, type SeverityCounts } from './severity-scale.ts'

const COLORS: Record<ReportSeverity, string> = { CRITICAL: '\u001b[1;31m', HIGH: '\u001b[31m', MEDIUM: '\u001b[33m', LOW: '\u001b[36m', UNKNOWN: '\u001b[2m' }
const RESET = '\u001b[0m'
const MAX_CELL = 60
const SECTION: Record<FindingKind, string> = { vulnerability: 'Vulnerabilities', secret: 'Secrets', misconfig: 'Misconfigurations' }

// Advisory titles, file paths and ignore reasons are third-party text: keep control characters out of the terminal.
function clean(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
}

function cell(s: string, max = MAX_CELL): string {
  const c = clean(s)
  return c.length > max ? `${c.slice(0, max - 1)}…` : c
}

function renderTable(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)]
}

function vulnRow(f: VulnerabilityFinding): string[] {
  const fixed = f.status === 'fixed' ? f.fixedVersions.join(', ') : '(unfixed)'
  return [cell(f.package.name), cell(f.id), cell(f.installedVersion), cell(fixed), cell(`${f.severitySource}`), cell(f.title ?? '')]
}

function severityParts(c: SeverityCounts): string {
  return SEVERITIES_HIGH_FIRST.map((s) => `${s}: ${c[s]}`).join(', ')
}

export function countsLine(report: ScanReport): string {
  return `Total: ${report.findings.length} (${severityParts(report.counts)})`
}

/** `Vulnerabilities: 5 (CRITICAL: 1, ...)`, one line per scanner that ran. */
function kindLines(report: ScanReport, scanners: readonly ScannerName[]): string[] {
  return scanners.map((s) => {
    const kind = KIND_OF_SCANNER[s]
    const list = report.findings.filter((f) => f.kind === kind)
    return `  ${SECTION[kind]}: ${list.length} (${severityParts(countBySeverity(list))})`
  })
}

/** Appends one by one: a report's rows are unbounded, and spreading them would overflow the call stack. */
function append(out: string[], lines: readonly string[]): void {
  for (const line of lines) out.push(line)
}

function findingSection(kind: FindingKind, list: readonly ReportFinding[], paint: (s: ReportSeverity, t: string) => string): string[] {
  const out = ['', `${SECTION[kind]} (${list.length})`]
  // Secrets and checks are one table with a SEVERITY column (left plain: colour codes would skew the widths).
  if (kind === 'vulnerability') {
    for (const sev of SEVERITIES_HIGH_FIRST) {
      const group = list.filter((f): f is VulnerabilityFinding => f.kind === 'vulnerability' && f.severity === sev)
      if (group.length === 0) continue
      out.push('', paint(sev, `${sev} (${group.length})`))
      append(out, renderTable(['PACKAGE', 'VULNERABILITY', 'INSTALLED', 'FIXED IN', 'RATED BY', 'TITLE'], group.map(vulnRow)))
    }
    return out
  }
  const rows = list.map((f) => {
    const detail = f.kind === 'secret' ? `${f.match} (${f.fingerprint})` : f.kind === 'misconfig' ? f.evidence : ''
    return [f.severity, cell(f.id), cell(findingSubject(f), 80), cell(f.title ?? ''), cell(detail, 80)]
  })
  if (rows.length > 0) append(out, renderTable(['SEVERITY', kind === 'secret' ? 'RULE' : 'CHECK', 'LOCATION', 'TITLE', kind === 'secret' ? 'MATCH (REDACTED)' : 'EVIDENCE'], rows))
  return out
}

export const tableFormatter: ReportFormatter = {
  name: 'table',
  mediaType: 'text/plain',
  format(report: ScanReport, options: FormatOptions = {}): string {
    const now = options.now ?? new Date(report.generatedAt)
    const paint = (s: ReportSeverity, text: string): string => (options.color === true ? `${COLORS[s]}${text}${RESET}` : text)
    const img = report.image
    const os = img.os ? ` (${img.os.family} ${img.os.version})` : ''
    // Reports stored before `scanners` existed hold vulnerabilities only.
    const scanners = report.scanners ?? ['vuln']
    const vulnUnavailable = report.unavailable?.find((u) => u.scanner === 'vuln')
    const db = scanners.includes('vuln') ? dataAgeLine(report.dataSource, now)
      : vulnUnavailable ? clean(`Vulnerabilities: unavailable (${vulnUnavailable.reason}): not checked`) : 'Advisory DB: not used (no vuln scanner)'
    const out: string[] = [`${img.reference}${os}`, `Digest: ${img.manifestDigest}`, db, `Scanners: ${scanners.join(', ')}`, '', countsLine(report)]
    if (scanners.length > 1) append(out, kindLines(report, scanners))
    if (report.truncated) out.push('', clean(`TRUNCATED: ${report.truncated.omittedFindings} more finding(s) not listed: ${report.truncated.reasons.join('; ')}`))
    for (const s of scanners) {
      const kind = KIND_OF_SCANNER[s]
      append(out, findingSection(kind, report.findings.filter((f) => f.kind === kind), paint))
    }
    if (report.ignored.length > 0) {
      out.push('', `Ignored (${report.ignored.length})`)
      append(out, renderTable(['PACKAGE/LOCATION', 'ID', 'BY', 'REASON'], report.ignored.map((i) => [cell(findingSubject(i.finding)), cell(i.finding.id), i.origin, cell(i.reason)])))
    }
    if (report.compliance) out.push('', ...formatCompliance(report.compliance).trimEnd().split('\n').map(clean))
    for (const w of report.warnings) out.push('', `WARNING: ${clean(w)}`)
    return `${out.join('\n')}\n`
  },
}
