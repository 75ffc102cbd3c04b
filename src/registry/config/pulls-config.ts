// The `pulls` settings (docs/lifecycle.md "Last pull"): whether manifest GETs are recorded as
// pulls, and how often the coalesced pulls are written to the metadata store.
import { DEFAULT_PULLS, type PullsConfig } from './config.ts'
import { parseDuration } from './parse-units.ts'

export function pullsConfig(record: unknown, flushInterval: unknown): PullsConfig {
  if (record !== undefined && record !== true && record !== false && record !== 'true' && record !== 'false') {
    throw new Error(`pulls record: must be true or false, not ${JSON.stringify(record)}`)
  }
  const flushIntervalMs = flushInterval === undefined ? DEFAULT_PULLS.flushIntervalMs : parseDuration(flushInterval, 'pulls flush interval')
  if (flushIntervalMs < 1) throw new Error('pulls flush interval: must be more than 0 (e.g. 10s)')
  return { record: record === undefined ? DEFAULT_PULLS.record : record === true || record === 'true', flushIntervalMs }
}
