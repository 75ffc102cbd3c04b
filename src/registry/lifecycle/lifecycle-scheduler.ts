/**
 * Runs lifecycle policies on a schedule (config `lifecycle.interval`, docs/lifecycle.md
 * "Running"): every repository with an effective policy, then the final deletion of images whose
 * restore window has passed. Repositories are read page by page. With several replicas every one
 * runs the schedule: each image is expired or deleted in a transaction that re-checks it, so two
 * runs at once do the work once.
 */
import { isRegistryError } from '../../oci/errors.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { ExpiredImages } from './expired-images.ts'
import type { LifecycleExpiry, LifecycleLog } from './lifecycle-expiry.ts'

const PAGE = 500
/** Who the audit log names for scheduled runs. */
export const SCHEDULER_ACTOR = 'system'

export interface LifecycleSweepReport {
  readonly repositories: number
  readonly expired: number
  readonly deleted: number
}

/** One scheduled pass over every repository. */
export async function runLifecyclePass(store: MetadataStore, expiry: LifecycleExpiry, expired: ExpiredImages, log: LifecycleLog): Promise<LifecycleSweepReport> {
  let repositories = 0
  let count = 0
  let last: RepositoryName | undefined
  for (;;) {
    const page = await store.repositories.list({ n: PAGE, ...(last === undefined ? {} : { last }) })
    for (const repo of page) {
      try {
        count += (await expiry.run(repo, SCHEDULER_ACTOR)).expired.length
        repositories++
      } catch (err) {
        // No policy applies to this repository: nothing to do.
        if (isRegistryError(err, 'UNSUPPORTED') && err.status === 404) continue
        log.error({ err, repository: repo }, 'lifecycle run failed')
      }
    }
    if (page.length < PAGE) break
    last = page[page.length - 1]
  }
  const deleted = (await expired.deleteEnded(SCHEDULER_ACTOR)).length
  log.info({ repositories, expired: count, deleted }, 'scheduled lifecycle pass done')
  return { repositories, expired: count, deleted }
}

export function scheduleLifecycle(pass: () => Promise<LifecycleSweepReport>, intervalMs: number, log: LifecycleLog): { stop(): void } {
  if (intervalMs <= 0) return { stop: () => undefined }
  // A pass still going when the next is due makes that one skip.
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    pass().catch((err: unknown) => log.error({ err }, 'scheduled lifecycle pass failed')).finally(() => {
      running = false
    })
  }, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
