/** A plain-text table of findings, most severe first, for terminals and CI logs. */
import { formatLocation, severityRank } from '../finding.ts'
import { viewOf, type AnyFinding } from './finding-view.ts'

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length)
}

export function formatTable(findings: readonly AnyFinding[], target: string): string {
  if (findings.length === 0) return `${target}: no findings\n`
  const rows = findings.map(viewOf).sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId))
  const counts = new Map<string, number>()
  for (const r of rows) counts.set(r.severity, (counts.get(r.severity) ?? 0) + 1)
  const summary = [...counts].map(([s, n]) => `${s}: ${n}`).join(', ')
  const head = ['SEVERITY', 'RULE', 'LOCATION', 'FINDING']
  const body = rows.map((r) => [r.severity, r.ruleId, formatLocation(r.location), `${r.title}: ${r.message}`])
  const widths = [0, 1, 2].map((i) => Math.min(60, Math.max(head[i]!.length, ...body.map((b) => b[i]!.length))))
  const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? pad(c, widths[i]!) : c)).join('  ').trimEnd()
  return `${target}: ${rows.length} findings (${summary})\n\n${[line(head), ...body.map(line)].join('\n')}\n`
}
