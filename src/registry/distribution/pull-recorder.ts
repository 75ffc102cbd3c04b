/**
 * Records manifest pulls for lifecycle rules (sinceImagePulled) without a database write per
 * request: the manifest GET path is the hottest path of the registry. A pull only updates an
 * in-memory map of (repository, digest) → latest time, O(1); the map is written to the metadata
 * store in one transaction every `flushIntervalMs`, when it holds `maxPending` entries, and on
 * close. The store keeps the max of the stored and the written time, so flushes from several
 * replicas, or a flush that retries, can never move a pull time back.
 *
 * What is lost: the pulls of the last interval when the process dies without closing (kill -9).
 * An image then looks last pulled up to one interval earlier than it was, which matters only to
 * a rule counting in days. A failed flush puts its entries back, merged with newer pulls.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { ImagePull } from '../metadata/pull-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock } from '../ports.ts'

export interface PullRecorderDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly flushIntervalMs: number
  /** Distinct images held before a flush is started early (memory bound). */
  readonly maxPending?: number
  /** Told when a background flush fails (the entries are kept for the next one). */
  readonly onError?: (err: unknown) => void
  /** Told, after a flush, how many pulls of new images were dropped since the last one (recorder full). */
  readonly onDropped?: (count: number) => void
}

/** ~200 bytes an entry: a few MiB at most, and a flush of one short transaction. */
export const DEFAULT_MAX_PENDING = 10_000
/**
 * New images beyond maxPending × this are dropped (pulls of images already held still update):
 * reached only while flushes cannot keep up or keep failing, where the map would otherwise grow
 * without bound.
 */
const HARD_LIMIT_FACTOR = 2

/** Latest pull time (ms) per digest, per repository: nested maps, so a pull builds no key string. */
type Pending = Map<RepositoryName, Map<Digest, number>>

export class PullRecorder {
  readonly #d: PullRecorderDeps
  readonly #max: number
  #pending: Pending = new Map()
  #size = 0
  #flushing: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  #dropped = 0

  constructor(deps: PullRecorderDeps) {
    this.#d = deps
    this.#max = deps.maxPending ?? DEFAULT_MAX_PENDING
  }

  /** Notes a pull of `digest` in `repo` now. Never waits and never throws. */
  record(repo: RepositoryName, digest: Digest): void {
    this.#note(repo, digest, this.#d.clock.now().getTime())
    if (this.#size >= this.#max) this.#flushInBackground()
  }

  /** Keeps the later time of an image already held; adds a new one only below the hard limit. */
  #note(repo: RepositoryName, digest: Digest, at: number): void {
    let digests = this.#pending.get(repo)
    const held = digests?.get(digest)
    if (held !== undefined) {
      if (at > held) digests?.set(digest, at)
      return
    }
    if (this.#size >= this.#max * HARD_LIMIT_FACTOR) {
      this.#dropped++
      return
    }
    if (digests === undefined) this.#pending.set(repo, (digests = new Map()))
    digests.set(digest, at)
    this.#size++
  }

  /** Pulls noted but not written yet (distinct images). */
  get pending(): number {
    return this.#size
  }

  /** Writes every pull noted so far; resolves when they are stored (or rejects, keeping them). */
  async flush(): Promise<void> {
    // One flush at a time: a second caller waits for the running one, then writes what came since.
    while (this.#flushing !== undefined) await this.#flushing.catch(() => undefined)
    if (this.#size === 0) return
    const batch = this.#pending
    this.#pending = new Map()
    this.#size = 0
    const pulls: ImagePull[] = []
    for (const [repo, digests] of batch) for (const [digest, at] of digests) pulls.push({ repo, digest, at: new Date(at) })
    const run = this.#d.store.transaction((tx) => tx.pulls.record(pulls))
    this.#flushing = run.then(
      () => this.#reportDropped(),
      () => this.#restore(pulls),
    ).finally(() => {
      this.#flushing = undefined
    })
    await run
  }

  /** Flushes every `flushIntervalMs` until close(); the timer never keeps the process alive. */
  start(): void {
    if (this.#timer !== undefined || this.#d.flushIntervalMs <= 0) return
    this.#timer = setInterval(() => this.#flushInBackground(), this.#d.flushIntervalMs)
    this.#timer.unref()
  }

  /** Stops the timer and writes what is left (call before the store closes). */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.flush()
  }

  #flushInBackground(): void {
    if (this.#flushing !== undefined) return
    this.flush().catch((err: unknown) => this.#d.onError?.(err))
  }

  #reportDropped(): void {
    if (this.#dropped === 0) return
    const count = this.#dropped
    this.#dropped = 0
    this.#d.onDropped?.(count)
  }

  /** A failed batch goes back, merged with newer pulls of the same images (still within the hard limit). */
  #restore(pulls: readonly ImagePull[]): void {
    for (const p of pulls) this.#note(p.repo, p.digest, p.at.getTime())
  }
}
