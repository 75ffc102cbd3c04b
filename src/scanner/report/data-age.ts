/** The "data age" line every report format carries, so a CI log shows how fresh the advisories were. */
import type { ReportDataSource } from './scan-report.ts'

/** `3 days`, `5 hours`, `12 minutes`; `now` is injected so formatters stay deterministic. */
export function describeAge(updatedAt: string | undefined, now: Date): string {
  if (updatedAt === undefined) return 'never updated'
  const ms = now.getTime() - Date.parse(updatedAt)
  if (!Number.isFinite(ms)) return 'unknown age'
  if (ms < 0) return 'in the future (check the clock)'
  const minutes = Math.floor(ms / 60_000)
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`
  if (minutes < 60) return plural(minutes, 'minute')
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return plural(hours, 'hour')
  return plural(Math.floor(hours / 24), 'day')
}

/** One line: `Advisory DB: schema 1, updated 2026-11-22T00:00:00.000Z (3 days ago), sources: osv:npm`. */
export function dataAgeLine(ds: ReportDataSource, now: Date): string {
  const names = ds.sources.map((s) => s.name).join(', ') || 'none'
  const when = ds.updatedAt === undefined ? 'never updated' : `updated ${ds.updatedAt} (${describeAge(ds.updatedAt, now)} ago)`
  return `Advisory DB: schema ${ds.dbSchemaVersion}, ${when}, sources: ${names}`
}
