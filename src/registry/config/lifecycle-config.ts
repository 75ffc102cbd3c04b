// The `lifecycle` settings (docs/lifecycle.md "Running", "Restore window"): whether policies run
// on a schedule, how often, and how long an expired image can be restored.
import { DEFAULT_LIFECYCLE, type LifecycleConfig } from './config.ts'
import { parseDuration } from './parse-units.ts'

export function lifecycleConfig(enabled: unknown, interval: unknown, restoreWindow: unknown): LifecycleConfig {
  if (enabled !== undefined && enabled !== true && enabled !== false && enabled !== 'true' && enabled !== 'false') {
    throw new Error(`lifecycle enabled: must be true or false, not ${JSON.stringify(enabled)}`)
  }
  return {
    enabled: enabled === undefined ? DEFAULT_LIFECYCLE.enabled : enabled === true || enabled === 'true',
    intervalMs: interval === undefined ? DEFAULT_LIFECYCLE.intervalMs : parseDuration(interval, 'lifecycle interval'),
    restoreWindowMs: restoreWindow === undefined ? DEFAULT_LIFECYCLE.restoreWindowMs : parseDuration(restoreWindow, 'lifecycle restore window'),
  }
}
