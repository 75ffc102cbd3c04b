/**
 * `--format table`: for people reading a terminal or a CI log. Findings grouped by severity,
 * highest first; a summary line with the counts; the advisory data's age; ignored findings and
 * warnings at the end. Plain text unless `color` is set (the CLI sets it only for a TTY).
 */
import { dataAgeLine } from './data-age.ts'
import type { FormatOptions, ReportFormatter } from './formatter.ts'
import type { ReportFinding, ScanReport } from './scan-report.ts'
import { SEVERITIES_HIGH_FIRST, type ReportSeverity } from './severity-scale.ts'

const COLORS: Record<ReportSeverity, string> = { CRITICAL: '\u001b[1;31m', HIGH: '\u001b[31m', MEDIUM: '\u001b[33m', LOW: '\u001b[36m', UNKNOWN: '\u001b[2m' }
const RESET = '\u001b[0m'
const MAX_CELL = 60

// Advisory titles and ignore reasons are third-party text: keep control characters out of the terminal.
function clean(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
}

function cell(s: string): string {
  const c = clean(s)
  return c.length > MAX_CELL ? `${c.slice(0, MAX_CELL - 1)}…` : c
}

function renderTable(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)]
}

function row(f: ReportFinding): string[] {
  const fixed = f.status === 'fixed' ? f.fixedVersions.join(', ') : '(unfixed)'
  return [cell(f.package.name), cell(f.id), cell(f.installedVersion), cell(fixed), cell(`${f.severitySource}`), cell(f.title ?? '')]
}

export function countsLine(report: ScanReport): string {
  const total = report.findings.length
  const parts = SEVERITIES_HIGH_FIRST.map((s) => `${s}: ${report.counts[s]}`)
  return `Total: ${total} (${parts.join(', ')})`
}

export const tableFormatter: ReportFormatter = {
  name: 'table',
  mediaType: 'text/plain',
  format(report: ScanReport, options: FormatOptions = {}): string {
    const now = options.now ?? new Date(report.generatedAt)
    const paint = (s: ReportSeverity, text: string): string => (options.color === true ? `${COLORS[s]}${text}${RESET}` : text)
    const img = report.image
    const os = img.os ? ` (${img.os.family} ${img.os.version})` : ''
    const out: string[] = [`${img.reference}${os}`, `Digest: ${img.manifestDigest}`, dataAgeLine(report.dataSource, now), '', countsLine(report)]
    for (const sev of SEVERITIES_HIGH_FIRST) {
      const group = report.findings.filter((f) => f.severity === sev)
      if (group.length === 0) continue
      out.push('', paint(sev, `${sev} (${group.length})`))
      out.push(...renderTable(['PACKAGE', 'VULNERABILITY', 'INSTALLED', 'FIXED IN', 'RATED BY', 'TITLE'], group.map(row)))
    }
    if (report.ignored.length > 0) {
      out.push('', `Ignored (${report.ignored.length})`)
      out.push(...renderTable(['PACKAGE', 'VULNERABILITY', 'BY', 'REASON'], report.ignored.map((i) => [cell(i.finding.package.name), cell(i.finding.id), i.origin, cell(i.reason)])))
    }
    for (const w of report.warnings) out.push('', `WARNING: ${clean(w)}`)
    return `${out.join('\n')}\n`
  },
}
