/**
 * `docker://HOST/REPO[:TAG|@DIGEST]` (or without the prefix): an image in a registry, read over
 * the OCI distribution API. Manifests are asked for with every manifest type we understand
 * (OCI and Docker, image and index); blobs are streamed (redirects to blob storage followed).
 */
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { Descriptor } from '../../../oci/descriptor.ts'
import { digestOf, isDigest, type Digest } from '../../../oci/digest.ts'
import { MediaType } from '../../../oci/media-types.ts'
import { parseImageReference, type ImageReference } from '../../../oci/reference.ts'
import type { ContentStore, RootDocument } from '../content-store.ts'
import { ImageError } from '../image-errors.ts'
import type { ImageSourceOptions } from '../parse-image-source.ts'
import { DEFAULT_SCAN_LIMITS } from '../scan-limits.ts'
import type { ImageSource, OpenOptions } from '../source.ts'
import { StoreImageSource } from '../store-image-source.ts'
import { RegistryClient } from './registry-client.ts'

const ACCEPT = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList].join(', ')

async function readLimited(res: Response, max: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? '0')
  if (declared > max) {
    await res.body?.cancel()
    throw new ImageError('LIMIT_EXCEEDED', `${what} is ${declared} bytes, over the ${max}-byte limit`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of res.body ?? []) {
    size += (c as Uint8Array).length
    if (size > max) throw new ImageError('LIMIT_EXCEEDED', `${what} is over the ${max}-byte limit`)
    chunks.push(Buffer.from(c as Uint8Array))
  }
  return Buffer.concat(chunks)
}

export class RemoteStore implements ContentStore {
  readonly #ref: ImageReference
  readonly #clientPromise: Promise<RegistryClient>
  readonly #maxDocumentBytes: number

  constructor(ref: ImageReference, client: Promise<RegistryClient>, maxDocumentBytes: number) {
    this.#ref = ref
    this.#clientPromise = client
    this.#maxDocumentBytes = maxDocumentBytes
  }

  get #scope(): string {
    return `repository:${this.#ref.repository}:pull`
  }

  async root(opts: OpenOptions): Promise<RootDocument> {
    const reference = this.#ref.digest ?? this.#ref.tag ?? 'latest'
    const client = await this.#clientPromise
    const res = await client.get(`${this.#ref.repository}/manifests/${reference}`, { accept: ACCEPT }, this.#scope, opts.signal)
    if (res.status === 404) {
      await res.body?.cancel()
      throw new ImageError('IMAGE_NOT_FOUND', `${this.#ref.registry}/${this.#ref.repository}:${reference} not found`)
    }
    const bytes = await readLimited(res, this.#maxDocumentBytes, 'manifest')
    const header = res.headers.get('docker-content-digest') ?? undefined
    const computed = digestOf(bytes)
    // For a digest reference, the digest asked for is what the bytes must match (checked by the source).
    const digest: Digest = this.#ref.digest ?? computed
    if (header && header.startsWith('sha256:') && header !== computed) {
      throw new ImageError('DIGEST_MISMATCH', `registry sent a manifest whose digest ${computed} differs from its Docker-Content-Digest ${header}`)
    }
    const contentType = res.headers.get('content-type')?.split(';')[0]?.trim()
    return { bytes, digest, ...(contentType ? { mediaType: contentType } : {}) }
  }

  async openRaw(d: Descriptor, kind: 'manifest' | 'blob', opts: OpenOptions): Promise<Readable> {
    const client = await this.#clientPromise
    const path = `${this.#ref.repository}/${kind === 'manifest' ? 'manifests' : 'blobs'}/${d.digest}`
    const res = await client.get(path, kind === 'manifest' ? { accept: ACCEPT } : {}, this.#scope, opts.signal)
    if (res.status === 404 || !res.body) {
      await res.body?.cancel()
      throw new ImageError('IMAGE_NOT_FOUND', `${kind} ${d.digest} not found in ${this.#ref.registry}/${this.#ref.repository}`)
    }
    return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)
  }

  async close(): Promise<void> {}
}

export function openRemote(raw: string, opts: ImageSourceOptions): ImageSource {
  let ref: ImageReference
  try {
    ref = parseImageReference(raw)
  } catch (err) {
    throw new ImageError('SOURCE_INVALID', `invalid image reference ${raw.slice(0, 200)}`, { cause: err })
  }
  if (ref.digest && !isDigest(ref.digest)) throw new ImageError('SOURCE_INVALID', `invalid digest in ${raw}`)
  const client = Promise.resolve(new RegistryClient({ registry: ref.registry, ...(opts.insecure ? { insecure: true } : {}), ...(opts.credentials ? { credentials: opts.credentials } : {}) }))
  return new StoreImageSource(raw, new RemoteStore(ref, client, opts.maxDocumentBytes ?? DEFAULT_SCAN_LIMITS.maxDocumentBytes), opts.maxDocumentBytes)
}
