/**
 * LayerTee: analyses one blob upload while its bytes arrive, so the scan that follows the
 * manifest finds the layer in the cache. Blobs come before their manifest, so nothing says yet
 * whether this blob is a layer: the first bytes decide (gzip or zstd magic, or a tar header's
 * `ustar` magic); anything else (a config, an artifact) drops the tee at once.
 *
 * The diff_id is not known either (the config that lists it may come later), so the walk runs
 * under a random placeholder diff_id while the uncompressed bytes are hashed; when the stream
 * ends, the placeholder is replaced by the computed diff_id, and the result is stored under the
 * committed blob's digest (the key analyzeImage uses): the key is bound to bytes the upload
 * verified, and the diff_id in the entry to bytes we hashed ourselves, never to a config's claim.
 *
 * Bounds: the upload never waits more than `maxStallMs` in total for the analysis and at most
 * `maxBufferedBytes` are queued; past either, the tee is abandoned (the scan then analyses the
 * layer from storage). Nothing is stored unless the upload was committed (`end`), so a failed,
 * cancelled or digest-mismatched upload leaves no trace.
 */
import { randomBytes } from 'node:crypto'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { finished } from 'node:stream/promises'
import { Digester, type Digest } from '../../oci/digest.ts'
import type { LayerAnalysis } from '../../scanner/image/layer-analysis.ts'
import { ChunkFeed } from './chunk-feed.ts'

export interface LayerTeeOptions {
  readonly maxBufferedBytes: number
  /** Total time one upload may be held back waiting for the analysis. */
  readonly maxStallMs: number
  /** Decompresses and walks the layer (walkLayer under `diffId`); throws on bad content. */
  readonly analyze: (raw: Readable, onTar: (tar: Readable) => Readable, diffId: Digest, signal: AbortSignal) => Promise<LayerAnalysis>
}

export type TeeOutcome =
  | { readonly kind: 'analysed'; readonly diffId: Digest; readonly analysis: LayerAnalysis }
  | { readonly kind: 'skipped'; readonly reason: string }

/** Bytes needed to see a tar header's magic (`ustar` at offset 257). */
const SNIFF_BYTES = 262

export function looksLikeLayer(head: Uint8Array): boolean | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return true
  if (head.length < SNIFF_BYTES) return undefined
  return Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar'
}

/** Hashes the uncompressed stream on its way to the walker: the computed diff_id. */
class DiffIdHasher extends Transform {
  readonly digester = new Digester('sha256')
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.digester.update(chunk)
    cb(null, chunk)
  }
}

export class LayerTee {
  readonly #opts: LayerTeeOptions
  readonly #ctl = new AbortController()
  #head: Uint8Array[] = []
  #headBytes = 0
  #feed: ChunkFeed | undefined
  #stalledMs = 0
  #skipped: string | undefined
  #analysis: Promise<TeeOutcome> | undefined
  #committed: (() => void) | undefined
  readonly #commit = new Promise<void>((resolve) => (this.#committed = resolve))

  constructor(opts: LayerTeeOptions) {
    this.#opts = opts
  }

  /** False once the tee was dropped: the caller can stop offering bytes. */
  get active(): boolean {
    return this.#skipped === undefined
  }

  /**
   * Offers the next chunk of the upload. Returns a promise only when the upload should wait for
   * the analysis to catch up (bounded by maxStallMs); the chunk must not be modified afterwards.
   */
  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.#skipped !== undefined) return undefined
    if (!this.#feed) {
      this.#head.push(chunk)
      this.#headBytes += chunk.length
      const verdict = looksLikeLayer(Buffer.concat(this.#head, Math.min(this.#headBytes, SNIFF_BYTES)))
      if (verdict === false) this.abort('not a layer (no gzip, zstd or tar magic)')
      else if (verdict === true) this.#start()
      return undefined
    }
    const queued = this.#feed.offer(chunk)
    if (queued <= this.#opts.maxBufferedBytes) return undefined
    return this.#stall()
  }

  /** The upload was committed as this blob: let the analysis finish and report its outcome. */
  end(): Promise<TeeOutcome> {
    if (this.#skipped !== undefined) return Promise.resolve({ kind: 'skipped', reason: this.#skipped })
    if (!this.#feed) {
      const verdict = looksLikeLayer(Buffer.concat(this.#head))
      if (verdict !== true) {
        this.abort('not a layer (too short or no magic)')
        return Promise.resolve({ kind: 'skipped', reason: this.#skipped ?? 'not a layer' })
      }
      this.#start()
    }
    this.#committed?.()
    this.#feed?.finish()
    return this.#analysis ?? Promise.resolve({ kind: 'skipped', reason: this.#skipped ?? 'not started' })
  }

  /** Drops the tee (upload failed, cancelled, fell behind): queued bytes are released. */
  abort(reason: string): void {
    if (this.#skipped !== undefined) return
    this.#skipped = reason
    this.#head = []
    this.#ctl.abort(new Error(reason))
    this.#feed?.destroy()
    // An analysis waiting for the commit sees #skipped and gives up.
    this.#committed?.()
  }

  #start(): void {
    const feed = new ChunkFeed()
    this.#feed = feed
    for (const c of this.#head) feed.offer(c)
    this.#head = []
    this.#analysis = this.#run(feed)
  }

  async #stall(): Promise<void> {
    const feed = this.#feed
    const left = this.#opts.maxStallMs - this.#stalledMs
    if (!feed || left <= 0) {
      this.abort(`analysis fell behind the upload by more than ${this.#opts.maxBufferedBytes} bytes`)
      return
    }
    const started = Date.now()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left)))
    const result = await Promise.race([feed.waitBelow(this.#opts.maxBufferedBytes / 2).then(() => 'drained' as const), timeout])
    clearTimeout(timer)
    this.#stalledMs += Date.now() - started
    if (result === 'timeout') this.abort(`analysis held the upload back for more than ${this.#opts.maxStallMs} ms`)
  }

  async #run(feed: ChunkFeed): Promise<TeeOutcome> {
    const placeholder = `sha256:${randomBytes(32).toString('hex')}` as Digest
    let hasher: DiffIdHasher | undefined
    const hashTar = (tar: Readable): Readable => {
      hasher = new DiffIdHasher()
      // Errors reach the walker through its reads; these listeners keep an error that arrives
      // after the walk (an abort) from becoming an uncaught exception.
      hasher.on('error', () => {})
      tar.on('error', (err) => hasher?.destroy(err))
      return tar.pipe(hasher)
    }
    try {
      const walked = await this.#opts.analyze(feed, hashTar, placeholder, this.#ctl.signal)
      const h = hasher
      if (!h) throw new Error('the analysis did not read the layer')
      // The walker may stop at the end-of-archive marker: hash whatever follows too.
      if (!h.readableEnded) {
        h.resume()
        await finished(h, { writable: false })
      }
      await this.#commit
      if (this.#skipped !== undefined) return { kind: 'skipped', reason: this.#skipped }
      const diffId = h.digester.digest()
      // Plain JSON data: the random placeholder cannot occur anywhere by chance.
      const analysis = JSON.parse(JSON.stringify(walked).replaceAll(placeholder, diffId)) as LayerAnalysis
      return { kind: 'analysed', diffId, analysis }
    } catch (err) {
      const reason = this.#skipped ?? `analysis failed: ${(err as Error).message}`
      this.abort(reason)
      return { kind: 'skipped', reason }
    }
  }
}
