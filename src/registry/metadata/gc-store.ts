/**
 * What online garbage collection needs from the metadata store (the protocol is described in
 * docs/storage-layout.md "Garbage collection"; the collector is registry/gc/gc-service.ts).
 *
 * A blob is live when a manifest in any repository is or references it (the collector marks
 * those from the manifests' bytes), or when something said recently that it is about to be
 * referenced: a link to a repository created, or a pin written, at or after the run's cutoff.
 * `claim` re-checks the second half and commits to deleting the blob in one atomic step; `pin`
 * and `pinLinked` refuse a blob that is claimed. The two sides therefore serialize on the
 * database, not on any in-process lock, so several replicas can push and collect at once:
 *   - SQLite: every write is one statement group run without yielding, on one connection
 *     (writes are serialized by the database).
 *   - PostgreSQL (later): `claim` locks the digest's blob_pins row (upserting it) before
 *     checking; `pin`/`pinLinked` upsert the same row, so the row lock orders them.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { Page } from './store.ts'

/** A blob a collector has committed to deleting (its links are already gone). */
export interface BlobDeletion {
  readonly digest: Digest
  readonly runId: string
  readonly startedAt: Date
}

export interface GcRepo {
  /**
   * Records that `digest` is about to be referenced (pinned_at becomes max(old, at)). False,
   * writing nothing, while a collector is deleting it: the caller waits and retries.
   */
  pin(digest: Digest, at: Date): Promise<boolean>
  /** When the blob was last pinned. */
  pinnedAt(digest: Digest): Promise<Date | undefined>
  /**
   * For a manifest about to be stored in `repo`: pins every digest that is linked to `repo`, and
   * resolves to those that are not (empty: all linked and pinned). Run inside the transaction
   * that stores the manifest, so a blob claimed after the manifest's checks fails the push
   * instead of leaving it dangling.
   */
  pinLinked(repo: RepositoryName, digests: readonly Digest[], at: Date): Promise<readonly Digest[]>
  /** Distinct digests of the manifests of every repository, in digest order. */
  manifestDigests(page: Page<Digest>): Promise<readonly Digest[]>
  /** Distinct digests linked to any repository, in digest order. */
  linkedDigests(page: Page<Digest>): Promise<readonly Digest[]>
  /**
   * True when `digest` is a manifest somewhere, is linked with created_at ≥ `cutoff`, is pinned
   * at ≥ `cutoff`, or is already being deleted. Read-only (dry runs).
   */
  isLive(digest: Digest, cutoff: Date): Promise<boolean>
  /**
   * For each digest, atomically: unless isLive(digest, cutoff), records a deletion (tombstone)
   * for `runId` and removes every link of the blob. Resolves, in order, to the number of links
   * removed, or undefined for a live blob (nothing changed). Called inside a transaction; one
   * call for the batch, so no other statement can slip between the checks and the writes.
   */
  claim(digests: readonly Digest[], cutoff: Date, runId: string, at: Date): Promise<ReadonlyArray<number | undefined>>
  /** After the bytes are gone: drops the tombstones and the pins, so the digests may be pushed again. */
  release(digests: readonly Digest[]): Promise<void>
  /** Tombstones left (a collector that died between claim and release), oldest first. */
  deletions(limit: number): Promise<readonly BlobDeletion[]>
  /** Deletes pins older than `before` (they keep nothing alive any more); resolves to how many. */
  prunePins(before: Date): Promise<number>
  /**
   * Takes (or renews, when `owner` holds it) the lease `name` until now + ttlMs; false when
   * someone else holds an unexpired lease.
   */
  acquireLease(name: string, owner: string, now: Date, ttlMs: number): Promise<boolean>
  releaseLease(name: string, owner: string): Promise<void>
}
