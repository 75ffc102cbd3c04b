/**
 * A real lifecycle run over one repository (docs/lifecycle.md "Running"): the preview's result,
 * applied. Each expired image, with the manifests carried with it (referrers, index children),
 * is untagged and marked expired in the metadata store (lifecycle-store.ts): it no longer pulls,
 * lists or counts, but its manifest rows stay, so garbage collection keeps its bytes until the
 * restore window ends (expired-images.ts).
 *
 * The evaluation reads the repository without a lock, so a push can land between it and the
 * write. Each image is therefore expired in its own transaction that re-checks what the
 * evaluation saw: every manifest of the group is still there, not expired, pushed at the same
 * time (a re-push refreshes it) and has exactly the tags evaluated (a tag moved onto it, or off
 * it, changes the count). Otherwise the image is skipped; the next run evaluates it afresh.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { MAX_EVENT_TAGS, type EventPublisher } from '../events/domain-event.ts'
import type { AuditEvent } from '../metadata/auth-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { LifecycleMetrics } from '../metrics/registry-metrics.ts'
import type { Clock } from '../ports.ts'
import type { ExpiredImage, LifecycleImage } from './lifecycle-image.ts'
import type { LifecyclePreviewService } from './lifecycle-preview.ts'

/** Tags read per manifest in the re-check (as repository-images.ts reads them). */
const MAX_TAGS_PER_IMAGE = 10_000

export interface LifecycleLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface LifecycleExpiryDeps {
  readonly store: MetadataStore
  readonly preview: LifecyclePreviewService
  readonly clock: Clock
  /** How long an expired image may be restored (config `lifecycle.restoreWindow`). */
  readonly restoreWindowMs: number
  readonly log?: LifecycleLog
  /** Counts expired images (docs/metrics.md); nothing when absent. */
  readonly metrics?: Pick<LifecycleMetrics, 'imagesExpired'>
  /** Test seam: called after the evaluation, before anything is written (a push may race here). */
  readonly hooks?: { readonly afterEvaluate?: () => Promise<void> }
  /** Told image.expired for each image expired (events/domain-event.ts); none when absent. */
  readonly events?: EventPublisher
}

export interface LifecycleRunReport {
  readonly repositoryName: RepositoryName
  readonly evaluatedAt: Date
  /** The images expired now, with the rule that took each. */
  readonly expired: readonly ExpiredImage[]
  /** Images the evaluation chose that changed before they could be expired (a racing push): kept. */
  readonly skipped: readonly { readonly digest: string; readonly reason: string }[]
  /** Manifests that stay. */
  readonly kept: number
  /** Until when the images expired now may be restored. */
  readonly restoreUntil: Date
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const sorted = [...b].sort()
  return [...a].sort().every((tag, i) => tag === sorted[i])
}

/** Appends an audit event; a failure to audit is logged, never undoes what was done. */
export async function auditLifecycle(store: MetadataStore, log: LifecycleLog | undefined, e: AuditEvent): Promise<void> {
  await store.auth.audit.append(e).catch((err: unknown) => log?.error({ err, action: e.action }, 'cannot write the lifecycle audit event'))
}

export class LifecycleExpiry {
  readonly #d: LifecycleExpiryDeps

  constructor(deps: LifecycleExpiryDeps) {
    this.#d = deps
  }

  /** When a run last evaluated `repo`'s policy (ECR's lastEvaluatedAt); undefined when none has. */
  lastEvaluation(repo: RepositoryName): Promise<Date | undefined> {
    return this.#d.store.lifecycle.lastEvaluation(repo)
  }

  /** Runs the repository's effective policy now. Throws NAME_UNKNOWN, or 404 when no policy applies. */
  async run(repo: RepositoryName, actor: string): Promise<LifecycleRunReport> {
    const { preview, images } = await this.#d.preview.evaluate(repo)
    await this.#d.store.lifecycle.recordEvaluation(repo, preview.evaluatedAt)
    await this.#d.hooks?.afterEvaluate?.()
    const expired: ExpiredImage[] = []
    const skipped: { digest: string; reason: string }[] = []
    for (const image of preview.expired) {
      const reason = await this.#expire(repo, image, images)
      if (reason !== undefined) {
        skipped.push({ digest: image.digest, reason })
        continue
      }
      expired.push(image)
      await auditLifecycle(this.#d.store, this.#d.log, {
        at: this.#d.clock.now(), actor, action: 'lifecycle.expire', repository: repo,
        detail: { digest: image.digest, tags: image.tags, rulePriority: image.rulePriority, carried: image.carried.map((c) => c.digest) },
      })
      await this.#d.events?.publish({
        type: 'image.expired', repository: repo, digest: image.digest, actor, ...(image.tags.length > 0 ? { tags: image.tags.slice(0, MAX_EVENT_TAGS) } : {}),
        data: { rulePriority: image.rulePriority, carried: image.carried.length, restoreUntil: new Date(this.#d.clock.now().getTime() + this.#d.restoreWindowMs).toISOString() },
      })
    }
    const carried = expired.reduce((n, e) => n + e.carried.length, 0)
    const kept = preview.kept.length + preview.expired.length - expired.length
    this.#d.log?.info({ repository: repo, expired: expired.length, carried, skipped: skipped.length, kept }, 'lifecycle policy applied')
    this.#d.metrics?.imagesExpired(expired.length)
    const restoreUntil = new Date(this.#d.clock.now().getTime() + this.#d.restoreWindowMs)
    return { repositoryName: repo, evaluatedAt: preview.evaluatedAt, expired, skipped, kept, restoreUntil }
  }

  /** Expires one image and what goes with it; the reason it was skipped, or undefined when done. */
  async #expire(repo: RepositoryName, image: ExpiredImage, images: ReadonlyMap<string, LifecycleImage>): Promise<string | undefined> {
    const group = [image.digest, ...image.carried.map((c) => c.digest)]
    return this.#d.store.transaction(async (tx) => {
      for (const digest of group) {
        const seen = images.get(digest)
        const now = await tx.manifests.get(repo, digest as Digest)
        if (seen === undefined || now === undefined) return `${digest} is gone or already expired`
        if (now.pushedAt.getTime() !== seen.pushedAt.getTime()) return `${digest} was pushed again`
        if (!sameTags(await tx.tags.ofDigest(repo, digest as Digest, MAX_TAGS_PER_IMAGE), seen.tags)) return `the tags of ${digest} changed`
      }
      const at = this.#d.clock.now()
      for (const digest of group) {
        const tags = (images.get(digest)?.tags ?? []) as Tag[]
        for (const tag of tags) await tx.tags.delete(repo, tag)
        await tx.lifecycle.expire({
          repo, digest: digest as Digest, tags, expiredAt: at, rulePriority: image.rulePriority,
          ...(image.description === undefined ? {} : { description: image.description }),
          ...(digest === image.digest ? {} : { carriedBy: image.digest as Digest }),
        })
      }
      return undefined
    })
  }
}
