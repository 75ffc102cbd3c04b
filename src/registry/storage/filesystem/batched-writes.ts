/**
 * Coalesces the small chunks a request body arrives in (typically 16-64 KiB) into writev calls
 * of about `batchBytes`, with one write in flight while the next batch fills. Compared with one
 * awaited write per chunk this makes ~30x fewer syscalls and promise round trips per byte, and
 * receiving overlaps writing. Bytes are written in order; a failed write stops everything after it.
 */
import type { FileHandle } from 'node:fs/promises'

export const WRITE_BATCH_BYTES = 1024 * 1024

export class BatchedWrites {
  readonly #fh: FileHandle
  readonly #onWritten: (bytes: number) => void
  readonly #batchBytes: number
  #batch: Uint8Array[] = []
  #bytes = 0
  /** The write in flight; never rejects (a failure is recorded in #failure). */
  #inflight: Promise<void> = Promise.resolve()
  #failure: { readonly error: unknown } | undefined

  /** `onWritten` is told about every byte count the file has accepted, as soon as it has. */
  constructor(fh: FileHandle, onWritten: (bytes: number) => void, batchBytes = WRITE_BATCH_BYTES) {
    this.#fh = fh
    this.#onWritten = onWritten
    this.#batchBytes = batchBytes
  }

  /**
   * Queues `chunk`. Resolves at once unless a full batch has to wait for the write in flight
   * (that wait is the backpressure on the caller). Throws an earlier write's error.
   */
  async add(chunk: Uint8Array): Promise<void> {
    this.#throwIfFailed()
    if (chunk.byteLength === 0) return
    this.#batch.push(chunk)
    this.#bytes += chunk.byteLength
    if (this.#bytes < this.#batchBytes) return
    await this.#inflight
    this.#throwIfFailed()
    this.#start()
  }

  /** Writes everything queued; resolves when the file has it all. Throws a write's error. */
  async drain(): Promise<void> {
    await this.#inflight
    this.#throwIfFailed()
    if (this.#bytes === 0) return
    this.#start()
    await this.#inflight
    this.#throwIfFailed()
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error
  }

  #start(): void {
    const chunks = this.#batch
    this.#batch = []
    this.#bytes = 0
    this.#inflight = this.#writeAll(chunks).catch((error: unknown) => {
      this.#failure = { error }
    })
  }

  async #writeAll(chunks: readonly Uint8Array[]): Promise<void> {
    let pending = chunks
    while (pending.length > 0) {
      const { bytesWritten } = await this.#fh.writev(pending)
      if (bytesWritten === 0) throw new Error('writev wrote nothing')
      this.#onWritten(bytesWritten)
      pending = after(pending, bytesWritten)
    }
  }
}

/** What remains of `chunks` once the first `n` bytes are written (a short writev). */
function after(chunks: readonly Uint8Array[], n: number): Uint8Array[] {
  const rest: Uint8Array[] = []
  let skip = n
  for (const c of chunks) {
    if (skip >= c.byteLength) {
      skip -= c.byteLength
      continue
    }
    rest.push(skip > 0 ? c.subarray(skip) : c)
    skip = 0
  }
  return rest
}
