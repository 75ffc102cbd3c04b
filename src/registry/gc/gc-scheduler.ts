/**
 * Runs garbage collection on a schedule (config `gc.interval`), and finishes deletions that an
 * interrupted collector left behind (at start and every minute; one cheap query when there are
 * none), because a push of such a blob waits for them. With several replicas every one runs the
 * schedule; the lease lets one collect at a time and the others skip their turn.
 */
import { isRegistryError } from '../../oci/errors.ts'
import type { GcLog, GcService } from './gc-service.ts'

const RECOVERY_INTERVAL_MS = 60_000

export interface GcSchedule {
  stop(): void
}

export function scheduleGc(gc: GcService, intervalMs: number, log: GcLog): GcSchedule {
  const fail = (what: string) => (err: unknown): void => {
    if (isRegistryError(err, 'UNAVAILABLE') && err.status === 409) log.info({}, `${what} skipped: another collector is running`)
    else log.error({ err }, `${what} failed`)
  }
  const recover = (): void => void gc.recoverLeftovers().catch(fail('garbage collection recovery'))
  recover()
  const timers = [setInterval(recover, RECOVERY_INTERVAL_MS)]
  // The report is logged by the service. A run still going when the next is due makes it skip.
  let running = false
  const collect = (): void => {
    if (running) return
    running = true
    gc.run().catch(fail('scheduled garbage collection')).finally(() => {
      running = false
    })
  }
  if (intervalMs > 0) timers.push(setInterval(collect, intervalMs))
  for (const t of timers) t.unref()
  return { stop: () => timers.forEach(clearInterval) }
}
