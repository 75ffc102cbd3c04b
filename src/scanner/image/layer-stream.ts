/**
 * Turns a layer blob stream into its uncompressed tar stream: the compression is sniffed from
 * the first bytes (media types lie: docker-archive layers are often plain tars under a gzip type),
 * the uncompressed size is capped (decompression bombs stop at the limit, with bounded memory
 * thanks to stream back-pressure), and the uncompressed bytes are hashed and checked against the
 * config's diff_id when one is given, so that a cached result is only ever stored for content
 * that really is that diff_id.
 */
import { Readable, Transform, addAbortSignal, pipeline, type TransformCallback } from 'node:stream'
import { createGunzip, createZstdDecompress } from 'node:zlib'
import { Digester, type Digest } from '../../oci/digest.ts'
import { ImageError, isImageError } from './image-errors.ts'

export type SniffedCompression = 'gzip' | 'zstd' | 'none'

export interface LayerStreamOptions {
  /** Uncompressed bytes allowed before LIMIT_EXCEEDED. */
  readonly maxUncompressedBytes: number
  /** When set, the uncompressed stream must hash to it (DIGEST_MISMATCH otherwise, at the end). */
  readonly expectedDiffId?: Digest
  /** Called with the size of every raw (compressed) chunk read, for progress. */
  readonly onRawBytes?: (n: number) => void
  readonly signal?: AbortSignal
}

export function sniffCompression(head: Uint8Array): SniffedCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd'
  return 'none'
}

class LayerGuard extends Transform {
  readonly #max: number
  readonly #expected: Digest | undefined
  readonly #digester: Digester | undefined
  #bytes = 0

  constructor(max: number, expected: Digest | undefined) {
    super()
    this.#max = max
    this.#expected = expected
    this.#digester = expected ? new Digester(expected.startsWith('sha512:') ? 'sha512' : 'sha256') : undefined
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#bytes += chunk.length
    if (this.#bytes > this.#max) {
      cb(new ImageError('LIMIT_EXCEEDED', `layer is larger than ${this.#max} bytes uncompressed`, { detail: { limit: this.#max } }))
      return
    }
    this.#digester?.update(chunk)
    cb(null, chunk)
  }

  override _flush(cb: TransformCallback): void {
    if (this.#digester && this.#expected) {
      const actual = this.#digester.digest()
      if (actual !== this.#expected) {
        cb(new ImageError('DIGEST_MISMATCH', `layer content does not match diff_id ${this.#expected}`, { detail: { expected: this.#expected, actual } }))
        return
      }
    }
    cb()
  }
}

/** Maps zlib/zstd failures to LAYER_CORRUPT; keeps our own typed errors and aborts as they are. */
export function toLayerError(err: unknown): unknown {
  if (isImageError(err) || (err instanceof Error && err.name === 'AbortError')) return err
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ZSTD_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED')) {
    return new ImageError('LAYER_CORRUPT', `layer is not a valid compressed stream: ${(err as Error).message}`, { cause: err })
  }
  return err
}

/** Opens the uncompressed tar stream of a layer blob. The raw stream is consumed and destroyed with it. */
export async function openLayerStream(raw: Readable, opts: LayerStreamOptions): Promise<Readable> {
  // An already-aborted signal would destroy the returned stream before anyone listens to it
  // (an unhandled 'error'): reject instead, and release the blob stream.
  if (opts.signal?.aborted) {
    raw.destroy()
    opts.signal.throwIfAborted()
  }
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const first = await it.next()
  if (opts.signal?.aborted) {
    await it.return?.()
    opts.signal.throwIfAborted()
  }
  const head: Buffer = first.done ? Buffer.alloc(0) : first.value
  const kind = sniffCompression(head)
  const onRaw = opts.onRawBytes
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) {
      onRaw?.(head.length)
      yield head
    }
    if (first.done) return
    try {
      for (;;) {
        const r = await it.next()
        if (r.done) return
        onRaw?.(r.value.length)
        yield r.value
      }
    } finally {
      // Early stop (limit hit, consumer gone): release the blob stream and its file or socket.
      await it.return?.()
    }
  }
  const source = Readable.from(rest(), { objectMode: false })
  const guard = new LayerGuard(opts.maxUncompressedBytes, opts.expectedDiffId)
  if (opts.signal) addAbortSignal(opts.signal, guard)
  const done = (): void => {}
  if (kind === 'gzip') return pipeline(source, createGunzip(), guard, done)
  if (kind === 'zstd') return pipeline(source, createZstdDecompress(), guard, done)
  return pipeline(source, guard, done)
}
