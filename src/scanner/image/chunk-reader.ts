/**
 * Pull-style reader over an async iterable of byte chunks: exact reads for small headers and
 * bounded pass-through of large bodies, without ever holding more than one input chunk plus the
 * bytes asked for. The tar reader is built on it.
 */
export class ChunkReader {
  #it: AsyncIterator<Uint8Array>
  #buf: Buffer = Buffer.alloc(0)
  #pos = 0
  #done = false
  /** Bytes consumed so far (offset of the next byte in the stream). */
  offset = 0

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]()
  }

  /** Bytes buffered and not yet consumed. */
  get #available(): number {
    return this.#buf.length - this.#pos
  }

  async #fill(): Promise<boolean> {
    if (this.#done) return false
    const r = await this.#it.next()
    if (r.done) {
      this.#done = true
      return false
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength)
    this.#buf = this.#available === 0 ? chunk : Buffer.concat([this.#buf.subarray(this.#pos), chunk])
    this.#pos = 0
    return true
  }

  /** Reads exactly n bytes; returns fewer only at end of stream (the caller decides if that is truncation). */
  async read(n: number): Promise<Buffer> {
    while (this.#available < n) {
      if (!(await this.#fill())) break
    }
    const take = Math.min(n, this.#available)
    const out = this.#buf.subarray(this.#pos, this.#pos + take)
    this.#pos += take
    this.offset += take
    return out
  }

  /**
   * Yields the next n bytes as chunks (views into the input chunks, valid until the next call).
   * Returns early at end of stream; the caller compares the count with n.
   */
  async *take(n: number): AsyncGenerator<Buffer, number> {
    let left = n
    while (left > 0) {
      if (this.#available === 0 && !(await this.#fill())) break
      const step = Math.min(left, this.#available)
      const out = this.#buf.subarray(this.#pos, this.#pos + step)
      this.#pos += step
      this.offset += step
      left -= step
      yield out
    }
    return n - left
  }

  /** Discards n bytes; returns how many were actually skipped. */
  async skip(n: number): Promise<number> {
    let left = n
    while (left > 0) {
      if (this.#available === 0 && !(await this.#fill())) break
      const step = Math.min(left, this.#available)
      this.#pos += step
      this.offset += step
      left -= step
    }
    return n - left
  }

  /** Reads and discards everything left (so that digests over the whole stream complete). */
  async drain(): Promise<void> {
    this.offset += this.#available
    this.#pos = this.#buf.length
    while (await this.#fill()) {
      this.offset += this.#available
      this.#pos = this.#buf.length
    }
  }

  /** Stops the underlying iterator early (destroys the source stream). */
  async close(): Promise<void> {
    if (!this.#done) {
      this.#done = true
      await this.#it.return?.()
    }
  }
}
