/**
 * ChunkFeed: a Readable fed by an upload as its bytes arrive, for the layer analysis that runs
 * beside the upload (layer-tee.ts). The producer never blocks on it: `offer` queues the chunk and
 * says how many bytes are waiting, so the caller decides when the analysis is too far behind.
 * Chunks are kept by reference (the upload does not reuse them) and released as they are read.
 */
import { Readable } from 'node:stream'

export class ChunkFeed extends Readable {
  readonly #queue: Uint8Array[] = []
  #queued = 0
  #wanted = false
  #ended = false
  readonly #drained: (() => void)[] = []

  /** Bytes offered and not yet read: our queue plus the Readable's own buffer. */
  get queuedBytes(): number {
    return this.#queued + this.readableLength
  }

  /** Queues a chunk; returns the bytes now waiting. No-op once ended or destroyed. */
  offer(chunk: Uint8Array): number {
    if (this.#ended || this.destroyed || chunk.length === 0) return this.queuedBytes
    this.#queue.push(chunk)
    this.#queued += chunk.length
    this.#pump()
    return this.queuedBytes
  }

  /** No more chunks: the reader sees the end once the queue is empty. */
  finish(): void {
    this.#ended = true
    this.#pump()
  }

  /** Resolves once at most `bytes` are waiting (or the feed is gone). */
  async waitBelow(bytes: number): Promise<void> {
    while (this.queuedBytes > bytes && !this.destroyed) await new Promise<void>((r) => this.#drained.push(r))
  }

  override _read(): void {
    this.#wanted = true
    this.#pump()
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.#queue.length = 0
    this.#queued = 0
    this.#wake()
    cb(err)
  }

  #pump(): void {
    while (this.#wanted && this.#queue.length > 0) {
      const chunk = this.#queue.shift() as Uint8Array
      this.#queued -= chunk.length
      this.#wanted = this.push(chunk)
    }
    if (this.#ended && this.#queue.length === 0 && this.#wanted) {
      this.#wanted = false
      this.push(null)
    }
    this.#wake()
  }

  #wake(): void {
    for (const r of this.#drained.splice(0)) r()
  }
}
