/**
 * The restore window (docs/lifecycle.md "Restore window"): images a lifecycle run expired are
 * listed, restored with their tags by a namespace admin while the window lasts, and deleted for
 * real once it has passed (a manifest delete, as DELETE /v2/…/manifests/{digest} does); garbage
 * collection then frees their bytes.
 *
 * Restoring puts back every tag the image had, except one that now points at another image:
 * that tag is refused and the answer says where it points, unless `force` moves it. A tag that
 * is immutable in the repository's settings is never moved, even with `force`.
 */
import type { Digest } from '../../oci/digest.ts'
import { RegistryError } from '../../oci/errors.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { manifestUnknown, nameUnknown } from '../distribution/errors.ts'
import type { TagPolicy } from '../distribution/manifest-service.ts'
import type { ExpiredManifestRecord } from '../metadata/lifecycle-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock } from '../ports.ts'
import type { LifecycleMetrics } from '../metrics/registry-metrics.ts'
import { auditLifecycle, type LifecycleLog } from './lifecycle-expiry.ts'

/** Expired manifests read per store query. */
const PAGE = 500

export interface ExpiredImagesDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly restoreWindowMs: number
  readonly tagPolicy: TagPolicy
  readonly log?: LifecycleLog
  /** Counts restores (docs/metrics.md); nothing when absent. */
  readonly metrics?: Pick<LifecycleMetrics, 'imageRestored'>
}

export interface ExpiredImageView {
  readonly digest: Digest
  readonly tags: readonly Tag[]
  readonly rulePriority: number
  readonly description?: string
  readonly expiredAt: Date
  readonly restoreUntil: Date
  /** The manifests that went with it (referrers, index children). */
  readonly carried: readonly Digest[]
}

export interface RefusedTag {
  readonly tag: Tag
  /** The image the tag points at now. */
  readonly digest: Digest
  readonly reason: 'moved' | 'immutable'
}

export interface RestoreResult {
  readonly repositoryName: RepositoryName
  readonly digest: Digest
  /** The image and the manifests restored with it. */
  readonly restored: readonly Digest[]
  readonly tags: readonly Tag[]
  readonly refusedTags: readonly RefusedTag[]
}

export class ExpiredImages {
  readonly #d: ExpiredImagesDeps

  constructor(deps: ExpiredImagesDeps) {
    this.#d = deps
  }

  #restoreUntil(r: ExpiredManifestRecord): Date {
    return new Date(r.expiredAt.getTime() + this.#d.restoreWindowMs)
  }

  /** The expired images of `repo` still in their window, by digest, at most `n` after `last`. */
  async list(repo: RepositoryName, page: { readonly n: number; readonly last?: Digest }): Promise<ExpiredImageView[]> {
    if (!(await this.#d.store.repositories.exists(repo))) throw nameUnknown(repo)
    const now = this.#d.clock.now().getTime()
    const out: ExpiredImageView[] = []
    for (const r of await this.#d.store.lifecycle.listImages(repo, page)) {
      if (this.#restoreUntil(r).getTime() <= now) continue
      const carried = (await this.#d.store.lifecycle.carried(repo, r.digest)).map((c) => c.digest)
      out.push({
        digest: r.digest, tags: r.tags, rulePriority: r.rulePriority, ...(r.description === undefined ? {} : { description: r.description }),
        expiredAt: r.expiredAt, restoreUntil: this.#restoreUntil(r), carried,
      })
    }
    return out
  }

  /** Brings an expired image back with its tags; 404 when it is not expired or its window has passed. */
  async restore(repo: RepositoryName, digest: Digest, opts: { readonly force: boolean; readonly actor: string }): Promise<RestoreResult> {
    const result = await this.#d.store.transaction(async (tx) => {
      const image = await tx.lifecycle.get(repo, digest)
      if (image === undefined) {
        if (!(await tx.repositories.exists(repo))) throw nameUnknown(repo)
        throw new RegistryError('MANIFEST_UNKNOWN', `${digest} is not an expired image of ${repo}`, { detail: { name: repo, digest } })
      }
      if (image.carriedBy !== undefined) {
        throw new RegistryError('MANIFEST_UNKNOWN', `${digest} expired with ${image.carriedBy}: restore that image`, { detail: { name: repo, digest, image: image.carriedBy } })
      }
      const until = this.#restoreUntil(image)
      if (until.getTime() <= this.#d.clock.now().getTime()) {
        throw new RegistryError('MANIFEST_UNKNOWN', `the restore window of ${digest} ended at ${until.toISOString()}`, { detail: { name: repo, digest } })
      }
      const group = [image, ...(await tx.lifecycle.carried(repo, digest))]
      const tags: Tag[] = []
      const refusedTags: RefusedTag[] = []
      const at = this.#d.clock.now()
      for (const m of group) {
        await tx.lifecycle.forget(repo, m.digest)
        for (const tag of m.tags) {
          const current = await tx.tags.resolve(repo, tag)
          if (current !== undefined && current !== m.digest) {
            if (!opts.force) {
              refusedTags.push({ tag, digest: current, reason: 'moved' })
              continue
            }
            if (await this.#d.tagPolicy.isTagImmutable(repo, tag)) {
              refusedTags.push({ tag, digest: current, reason: 'immutable' })
              continue
            }
          }
          await tx.tags.put(repo, tag, m.digest, at)
          tags.push(tag)
        }
      }
      return { repositoryName: repo, digest, restored: group.map((m) => m.digest), tags, refusedTags }
    })
    await auditLifecycle(this.#d.store, this.#d.log, {
      at: this.#d.clock.now(), actor: opts.actor, action: 'lifecycle.restore', repository: repo,
      detail: { digest, tags: result.tags, refusedTags: result.refusedTags, force: opts.force },
    })
    this.#d.log?.info({ repository: repo, digest, manifests: result.restored.length, tags: result.tags.length, refusedTags: result.refusedTags.length }, 'expired image restored')
    this.#d.metrics?.imageRestored()
    return result
  }

  /**
   * Deletes for real every expired manifest whose window has passed, in `repo` or in every
   * repository; returns the images deleted (not their carried manifests).
   */
  async deleteEnded(actor: string, repo?: RepositoryName): Promise<Digest[]> {
    const images: Digest[] = []
    let manifests = 0
    for (;;) {
      const cutoff = new Date(this.#d.clock.now().getTime() - this.#d.restoreWindowMs)
      const due = await this.#d.store.lifecycle.expiredBefore(cutoff, PAGE, repo)
      for (const r of due) {
        // Re-read in the transaction: a restore or a re-push may have come first.
        const deleted = await this.#d.store.transaction(async (tx) => {
          const still = await tx.lifecycle.get(r.repo, r.digest)
          if (still === undefined || still.expiredAt.getTime() >= cutoff.getTime()) return false
          await tx.lifecycle.forget(r.repo, r.digest)
          return tx.manifests.delete(r.repo, r.digest)
        })
        if (!deleted) continue
        manifests++
        if (r.carriedBy !== undefined) continue
        images.push(r.digest)
        await auditLifecycle(this.#d.store, this.#d.log, {
          at: this.#d.clock.now(), actor, action: 'lifecycle.delete', repository: r.repo,
          detail: { digest: r.digest, tags: r.tags, rulePriority: r.rulePriority, expiredAt: r.expiredAt.toISOString() },
        })
      }
      if (due.length < PAGE) break
    }
    if (manifests > 0) this.#d.log?.info({ images: images.length, manifests }, 'expired images deleted after their restore window')
    return images
  }
}
