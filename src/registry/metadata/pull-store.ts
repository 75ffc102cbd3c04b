/**
 * When each image was last pulled (docs/lifecycle.md "Last pull"): one time per repository and
 * manifest digest, read by lifecycle rules with countType sinceImagePulled. Requests never write
 * here directly: distribution/pull-recorder.ts coalesces pulls in memory and flushes them in one
 * transaction every few seconds.
 *
 * A stored time only moves forward (max of the stored and the written time), so several replicas
 * flushing the same image in any order leave the latest pull. A pull of a manifest that is no
 * longer in the repository writes nothing, and deleting a manifest drops its pull time.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'

export interface ImagePull {
  readonly repo: RepositoryName
  readonly digest: Digest
  readonly at: Date
}

export interface PullRepo {
  /** For each pull: last_pulled_at = max(stored, at), when the manifest exists. Call inside a transaction for a batch. */
  record(pulls: readonly ImagePull[]): Promise<void>
  /** The last pull of each of `digests` in `repo` that was ever pulled (never pulled: absent). */
  lastPulled(repo: RepositoryName, digests: readonly Digest[]): Promise<ReadonlyMap<Digest, Date>>
}
