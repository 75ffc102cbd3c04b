/** Severity levels and the mappings from CVSS scores and vendor words to them. */

export const SEVERITY_LEVELS = ['UNKNOWN', 'NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number]

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0'

/**
 * CVSS qualitative rating. v3.x and v4.0 use the FIRST scale (0 none, 0.1-3.9 low, 4.0-6.9
 * medium, 7.0-8.9 high, 9.0-10 critical); v2 has no "critical" and NVD's v2 bands are
 * 0-3.9 low, 4.0-6.9 medium, 7.0-10 high.
 */
export function levelFromScore(score: number, version: CvssVersion): SeverityLevel {
  if (!Number.isFinite(score) || score < 0 || score > 10) return 'UNKNOWN'
  if (version === '2.0') return score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW'
  if (score === 0) return 'NONE'
  return score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : 'LOW'
}

/**
 * Vendor words to levels. Covers GHSA (`LOW`/`MODERATE`/`HIGH`/`CRITICAL`), Debian urgency
 * (`unimportant`, `low`, `medium`, `high`; a trailing `*` marks an unconfirmed guess and is
 * ignored; `not yet assigned` is unknown), Ubuntu priority (`negligible` .. `critical`,
 * `untriaged`), Red Hat (`Low`/`Moderate`/`Important`/`Critical`) and CNA free text
 * (`critical`). Unknown words map to UNKNOWN so the next source in precedence is tried.
 */
export function levelFromVendorWord(word: string): SeverityLevel {
  const w = word.trim().toLowerCase().replace(/\*+$/, '')
  switch (w) {
    case 'none':
      return 'NONE'
    case 'unimportant':
    case 'negligible':
    case 'low':
      return 'LOW'
    case 'medium':
    case 'moderate':
      return 'MEDIUM'
    case 'high':
    case 'important':
      return 'HIGH'
    case 'critical':
      return 'CRITICAL'
    default:
      return 'UNKNOWN'
  }
}
