/**
 * What lifecycle expiry needs from the metadata store (the rules live in registry/lifecycle/):
 * which manifests a lifecycle run expired, the tags they had and the rule that took them, so an
 * admin can restore them within the restore window (docs/lifecycle.md "Restore window").
 *
 * An expired manifest keeps its `manifests` row (so garbage collection keeps its blobs) but is
 * hidden from the distribution side: ManifestRepo.get and .list and ReferrerRepo.list do not
 * return it (pulls by digest answer MANIFEST_UNKNOWN, later evaluations do not count it). Its
 * tags are removed by the caller when it expires (they are kept here). ManifestRepo.delete also
 * forgets the mark. The store checks nothing else: the lifecycle service re-checks in its
 * transactions.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import type { Page } from './store.ts'

export interface ExpiredManifestRecord {
  readonly repo: RepositoryName
  readonly digest: Digest
  /** The tags it had when it expired (restored with it). */
  readonly tags: readonly Tag[]
  readonly expiredAt: Date
  /** The rule that took the image (for a carried manifest: the rule that took its image). */
  readonly rulePriority: number
  readonly description?: string
  /** For a referrer or index child that went with an image: that image's digest. Absent for the image itself. */
  readonly carriedBy?: Digest
}

export interface LifecycleRepo {
  /** Records `m` as expired (its manifest row must exist); replaces an earlier record of it. */
  expire(m: ExpiredManifestRecord): Promise<void>
  get(repo: RepositoryName, digest: Digest): Promise<ExpiredManifestRecord | undefined>
  /** The expired images of `repo` (not the manifests carried with them), in digest order, `n` at most after `last`. */
  listImages(repo: RepositoryName, page: Page<Digest>): Promise<readonly ExpiredManifestRecord[]>
  /** The manifests carried with the image `image` of `repo`, in digest order. */
  carried(repo: RepositoryName, image: Digest): Promise<readonly ExpiredManifestRecord[]>
  /**
   * Expired manifests (images and carried ones) that expired before `before`, of `repo` or of
   * any repository when absent, oldest first, at most `limit`.
   */
  expiredBefore(before: Date, limit: number, repo?: RepositoryName): Promise<readonly ExpiredManifestRecord[]>
  /** Forgets the mark (the manifest becomes visible again); false when there was none. */
  forget(repo: RepositoryName, digest: Digest): Promise<boolean>
  /** A run evaluated `repo`'s policy at `at` (ECR's lastEvaluatedAt); the stored time only moves forward. */
  recordEvaluation(repo: RepositoryName, at: Date): Promise<void>
  /** When a run last evaluated `repo`'s policy; undefined when none has. */
  lastEvaluation(repo: RepositoryName): Promise<Date | undefined>
}
