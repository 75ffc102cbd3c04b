/**
 * A pass-through stream that checks a blob against its descriptor while it flows: it fails as
 * soon as more bytes than the descriptor's size arrive (an endless or oversized body stops
 * early), and at the end when the size or the digest differ. The consumer never sees a clean
 * end for content that does not match.
 */
import { Transform, type TransformCallback } from 'node:stream'
import { Digester, digestAlgorithm, type Digest } from '../../oci/digest.ts'
import { ImageError } from './image-errors.ts'

export class VerifyStream extends Transform {
  readonly #expected: Digest
  readonly #size: number | undefined
  readonly #digester: Digester

  /** `size` undefined means unknown (only the digest is checked). */
  constructor(expected: Digest, size: number | undefined) {
    super()
    this.#expected = expected
    this.#size = size
    this.#digester = new Digester(digestAlgorithm(expected))
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#digester.update(chunk)
    if (this.#size !== undefined && this.#digester.size > this.#size) {
      cb(new ImageError('DIGEST_MISMATCH', `blob ${this.#expected} is larger than its descriptor size ${this.#size}`, { detail: { digest: this.#expected } }))
      return
    }
    cb(null, chunk)
  }

  override _flush(cb: TransformCallback): void {
    if (this.#size !== undefined && this.#digester.size !== this.#size) {
      cb(new ImageError('DIGEST_MISMATCH', `blob ${this.#expected} has ${this.#digester.size} bytes, its descriptor says ${this.#size}`, { detail: { digest: this.#expected } }))
      return
    }
    const actual = this.#digester.digest()
    if (actual !== this.#expected) {
      cb(new ImageError('DIGEST_MISMATCH', `blob content hashes to ${actual}, expected ${this.#expected}`, { detail: { digest: this.#expected, actual } }))
      return
    }
    cb()
  }
}
