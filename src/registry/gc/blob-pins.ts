/**
 * The writers' and readers' half of the garbage collection protocol (docs/storage-layout.md
 * "Garbage collection"): before anything writes a blob's bytes or links it to a repository, it
 * pins the blob (`hold`), and a HEAD/GET that may lead a client to skip an upload refreshes the
 * pin (`touch`). A collector never claims a blob pinned at or after its cutoff; a blob it has
 * claimed cannot be pinned until its bytes are gone, so `hold` waits for that, briefly.
 */
import type { Digest } from '../../oci/digest.ts'
import { RegistryError } from '../../oci/errors.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock } from '../ports.ts'

export interface PinOptions {
  /** A HEAD/GET rewrites the pin only when it is older than this (reads stay reads mostly). */
  readonly refreshMs: number
  /** How long `hold` waits for a collector deleting the blob before answering 503. */
  readonly waitMs: number
  /** Poll interval while waiting. */
  readonly pollMs?: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class BlobPins {
  readonly #store: MetadataStore
  readonly #clock: Clock
  readonly #o: PinOptions

  constructor(store: MetadataStore, clock: Clock, options: PinOptions) {
    this.#store = store
    this.#clock = clock
    this.#o = options
  }

  /**
   * Pins `digest` before its bytes are written or it is linked. When a collector is deleting it,
   * waits until the bytes are gone (then the caller writes fresh ones); throws UNAVAILABLE after
   * waitMs (a collector that died mid-deletion: the next run finishes it).
   */
  async hold(digest: Digest): Promise<void> {
    // A wait budget, not a time of day: measured on the monotonic clock (a fake Clock never moves).
    const deadline = performance.now() + this.#o.waitMs
    while (!(await this.#store.gc.pin(digest, this.#clock.now()))) {
      if (performance.now() >= deadline) {
        throw new RegistryError('UNAVAILABLE', `blob ${digest} is being garbage collected; retry later`, {
          detail: { digest },
          headers: { 'Retry-After': '5' },
        })
      }
      await sleep(this.#o.pollMs ?? 20)
    }
  }

  /**
   * Refreshes the pin of a blob a client just learned exists (it may now skip uploading it and
   * reference it from a manifest). False when a collector is deleting it: treat it as absent.
   */
  async touch(digest: Digest): Promise<boolean> {
    const now = this.#clock.now()
    const last = await this.#store.gc.pinnedAt(digest)
    if (last !== undefined && now.getTime() - last.getTime() < this.#o.refreshMs) return true
    return this.#store.gc.pin(digest, now)
  }
}
