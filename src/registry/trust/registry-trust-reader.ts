/**
 * The registry's own storage seen through src/trust's TrustRegistryReader, so the verifiers
 * (verifyImageSignatures, referrer and tag form readers) run in-process with no HTTP loopback.
 *
 * It keeps the client's guarantees: an unknown manifest is `undefined` (an absent `.sig` tag
 * is not an error), every read is bounded (manifests 4 MiB, blobs by the caller's limit, both
 * checked before any byte is read and again while streaming) and digests are computed from the
 * bytes read, never taken from metadata. Storage failures become TrustError('REGISTRY') so one
 * broken form is reported by the verifier instead of failing the whole answer.
 */
import type { Readable } from 'node:stream'
import { digestAlgorithm, digestOf, isDigest, type Digest } from '../../oci/digest.ts'
import { isRegistryError } from '../../oci/errors.ts'
import { isRepositoryName, parseManifestReference, type RepositoryName } from '../../oci/reference.ts'
import { MAX_MANIFEST_BYTES, type FetchedManifest, type ReferrersResult, type TrustRegistryReader } from '../../trust/registry-client/trust-registry-client.ts'
import { TrustError } from '../../trust/trust-errors.ts'
import type { BlobService } from '../distribution/blob-service.ts'
import type { ManifestService } from '../distribution/manifest-service.ts'
import type { ReferrersService } from '../distribution/referrers-service.ts'

export interface TrustReaderServices {
  readonly manifests: ManifestService
  readonly blobs: BlobService
  readonly referrers: ReferrersService
}

export class RegistryTrustReader implements TrustRegistryReader {
  readonly #s: TrustReaderServices

  constructor(services: TrustReaderServices) {
    this.#s = services
  }

  async getManifest(repo: string, reference: string): Promise<FetchedManifest | undefined> {
    let ref
    try {
      ref = parseManifestReference(reference)
    } catch {
      return undefined
    }
    const record = await this.#s.manifests.resolve(repoName(repo), ref).catch((err: unknown) => {
      if (isRegistryError(err, 'MANIFEST_UNKNOWN') || isRegistryError(err, 'NAME_UNKNOWN')) return undefined
      throw storageError(`manifest ${repo}:${reference}`, err)
    })
    if (!record) return undefined
    if (record.size > MAX_MANIFEST_BYTES) throw new TrustError('TOO_LARGE', `manifest ${repo}@${record.digest} is ${record.size} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit`)
    const bytes = await this.#s.manifests.content(record).catch((err: unknown) => {
      throw storageError(`manifest ${repo}@${record.digest}`, err)
    })
    const digest = digestOf(bytes, digestAlgorithm(record.digest))
    if (digest !== record.digest) throw new TrustError('REGISTRY', `stored manifest ${record.digest} does not match its digest`)
    return { digest, mediaType: record.mediaType, bytes }
  }

  async getBlob(repo: string, digest: Digest, maxBytes: number): Promise<Buffer> {
    if (!isDigest(digest)) throw new TrustError('REGISTRY', 'invalid blob digest')
    const name = repoName(repo)
    const { size } = await this.#s.blobs.stat(name, digest).catch((err: unknown) => {
      throw storageError(`blob ${digest}`, err)
    })
    if (size > maxBytes) throw new TrustError('TOO_LARGE', `blob ${digest} is ${size} bytes, over the ${maxBytes}-byte limit`)
    const stream = await this.#s.blobs.open(name, digest).catch((err: unknown) => {
      throw storageError(`blob ${digest}`, err)
    })
    const bytes = await readBoundedStream(stream, maxBytes, `blob ${digest}`)
    if (digestOf(bytes, digestAlgorithm(digest)) !== digest) throw new TrustError('REGISTRY', `stored blob ${digest} does not match its digest`)
    return bytes
  }

  async listReferrers(repo: string, digest: Digest, artifactType?: string): Promise<ReferrersResult> {
    const index = await this.#s.referrers.list(repoName(repo), digest, artifactType)
    return { supported: true, manifests: index.manifests.map((m) => ({ digest: m.digest, mediaType: m.mediaType, ...(m.artifactType === undefined ? {} : { artifactType: m.artifactType }) })) }
  }
}

function repoName(repo: string): RepositoryName {
  if (!isRepositoryName(repo)) throw new TrustError('REGISTRY', 'invalid repository name')
  return repo
}

function storageError(what: string, err: unknown): TrustError {
  if (err instanceof TrustError) return err
  const reason = isRegistryError(err) ? err.code : 'storage error'
  return new TrustError('REGISTRY', `${what}: ${reason}`, { cause: err })
}

/** Reads a stream into memory, refusing (and destroying it) past `max` bytes. */
async function readBoundedStream(stream: Readable, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
      total += buf.byteLength
      if (total > max) throw new TrustError('TOO_LARGE', `${what} is over the ${max}-byte limit`)
      chunks.push(buf)
    }
  } catch (err) {
    throw storageError(what, err)
  } finally {
    stream.destroy()
  }
  return Buffer.concat(chunks)
}
