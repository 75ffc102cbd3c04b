/**
 * The one severity scale every report finding uses, whatever produced it (vulnerabilities now;
 * secrets and misconfigurations later): UNKNOWN < LOW < MEDIUM < HIGH < CRITICAL.
 *
 * The vulnerability layer also knows CVSS `NONE` (a 0.0 base score). Reports fold it into LOW,
 * the lowest real rating, so that a gate on LOW still sees it; the original score and vector stay
 * on the finding.
 */
export const REPORT_SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const
export type ReportSeverity = (typeof REPORT_SEVERITIES)[number]

export function isReportSeverity(s: string): s is ReportSeverity {
  return (REPORT_SEVERITIES as readonly string[]).includes(s)
}

/** Maps any level word we produce (including `NONE`) onto the report scale. */
export function toReportSeverity(level: string): ReportSeverity {
  const up = level.toUpperCase()
  if (up === 'NONE') return 'LOW'
  return isReportSeverity(up) ? up : 'UNKNOWN'
}

/** Rank on the scale: UNKNOWN 0 .. CRITICAL 4. */
export function severityRank(s: ReportSeverity): number {
  return REPORT_SEVERITIES.indexOf(s)
}

/** Highest first, the order tables and listings use. */
export const SEVERITIES_HIGH_FIRST: readonly ReportSeverity[] = [...REPORT_SEVERITIES].reverse()

export type SeverityCounts = Record<ReportSeverity, number>

export function emptyCounts(): SeverityCounts {
  return { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 }
}

/**
 * Parses `--severity HIGH,CRITICAL`. Throws with the list of valid names for anything else, so
 * a typo never silently widens or narrows a gate.
 */
export function parseSeverityList(items: readonly string[]): ReportSeverity[] {
  const out: ReportSeverity[] = []
  for (const raw of items) {
    const up = raw.trim().toUpperCase()
    if (!isReportSeverity(up)) throw new Error(`unknown severity '${raw}' (use ${REPORT_SEVERITIES.join(', ')})`)
    if (!out.includes(up)) out.push(up)
  }
  return out
}
