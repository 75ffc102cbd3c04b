/**
 * Content digests: `algorithm ":" encoded`, per the OCI image spec ("Digests").
 * Registered algorithms: sha256 (64 lower-case hex) and sha512 (128 lower-case hex).
 */
import { createHash, type Hash } from 'node:crypto'
import { RegistryError } from './errors.ts'

export type Digest = string & { readonly __brand: 'Digest' }
export type DigestAlgorithm = 'sha256' | 'sha512'

const ENCODED_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha256: 64, sha512: 128 }
/** The grammar from the image spec, before algorithm-specific checks. */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/

export function isDigestAlgorithm(alg: string): alg is DigestAlgorithm {
  return alg === 'sha256' || alg === 'sha512'
}

/** Parses and validates a digest; throws RegistryError DIGEST_INVALID (or UNSUPPORTED for an unknown algorithm). */
export function parseDigest(raw: string): Digest {
  if (raw.length > 256 || !DIGEST_GRAMMAR.test(raw)) {
    throw new RegistryError('DIGEST_INVALID', 'invalid digest format', { detail: { digest: raw.slice(0, 256) } })
  }
  const colon = raw.indexOf(':')
  const alg = raw.slice(0, colon)
  const encoded = raw.slice(colon + 1)
  if (!isDigestAlgorithm(alg)) {
    throw new RegistryError('DIGEST_INVALID', `unsupported digest algorithm ${alg}`, { detail: { digest: raw } })
  }
  if (encoded.length !== ENCODED_LENGTH[alg] || !/^[a-f0-9]+$/.test(encoded)) {
    throw new RegistryError('DIGEST_INVALID', `invalid ${alg} digest`, { detail: { digest: raw } })
  }
  return raw as Digest
}

/** True when `raw` is a valid digest (never throws). */
export function isDigest(raw: string): raw is Digest {
  try {
    parseDigest(raw)
    return true
  } catch {
    return false
  }
}

export function digestAlgorithm(d: Digest): DigestAlgorithm {
  return d.slice(0, d.indexOf(':')) as DigestAlgorithm
}

export function digestHex(d: Digest): string {
  return d.slice(d.indexOf(':') + 1)
}

export function digestOf(data: Uint8Array | string, alg: DigestAlgorithm = 'sha256'): Digest {
  return `${alg}:${createHash(alg).update(data).digest('hex')}` as Digest
}

/** Incremental digester for streams: feed chunks with update(), read digest() once at the end. */
export class Digester {
  readonly algorithm: DigestAlgorithm
  #hash: Hash
  #size = 0
  constructor(alg: DigestAlgorithm = 'sha256') {
    this.algorithm = alg
    this.#hash = createHash(alg)
  }
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk)
    this.#size += chunk.byteLength
  }
  get size(): number {
    return this.#size
  }
  digest(): Digest {
    return `${this.algorithm}:${this.#hash.digest('hex')}` as Digest
  }
}
