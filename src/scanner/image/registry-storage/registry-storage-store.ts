/**
 * An ImageSource over Drydock's own registry store (scan-on-push, `drydock scan` against the
 * server's data), through the small RegistryContentProvider contract in source.ts. The registry
 * adapts its manifest and blob services to that contract; verification and index handling are
 * the same as for every other source.
 */
import type { Readable } from 'node:stream'
import type { Descriptor } from '../../../oci/descriptor.ts'
import { digestOf, isDigest, type Digest } from '../../../oci/digest.ts'
import type { ContentStore, RootDocument } from '../content-store.ts'
import { ImageError } from '../image-errors.ts'
import type { ImageSource, OpenOptions, RegistryContentProvider } from '../source.ts'
import { StoreImageSource } from '../store-image-source.ts'

class RegistryStorageStore implements ContentStore {
  readonly #provider: RegistryContentProvider
  readonly #repository: string
  readonly #reference: string

  constructor(provider: RegistryContentProvider, repository: string, reference: string) {
    this.#provider = provider
    this.#repository = repository
    this.#reference = reference
  }

  async root(opts: OpenOptions): Promise<RootDocument> {
    const m = await this.#provider.getManifest(this.#repository, this.#reference, opts)
    if (!m) throw new ImageError('IMAGE_NOT_FOUND', `${this.#repository}:${this.#reference} not found in the registry store`)
    const digest = isDigest(this.#reference) ? (this.#reference as Digest) : digestOf(m.bytes)
    return { bytes: m.bytes, digest, ...(m.mediaType ? { mediaType: m.mediaType } : {}) }
  }

  async openRaw(d: Descriptor, kind: 'manifest' | 'blob', opts: OpenOptions): Promise<Readable> {
    if (kind === 'manifest') {
      const m = await this.#provider.getManifest(this.#repository, d.digest, opts)
      if (!m) throw new ImageError('IMAGE_NOT_FOUND', `manifest ${d.digest} not found in ${this.#repository}`)
      const { Readable } = await import('node:stream')
      return Readable.from([Buffer.from(m.bytes)])
    }
    const s = await this.#provider.openBlob(this.#repository, d.digest, opts)
    if (!s) throw new ImageError('IMAGE_NOT_FOUND', `blob ${d.digest} not found in ${this.#repository}`)
    return s
  }

  async hasBlob(d: Descriptor, opts: OpenOptions): Promise<boolean> {
    return this.#provider.hasBlob(this.#repository, d.digest, opts)
  }

  async close(): Promise<void> {}
}

/** `reference` is a tag or a digest in `repository`. */
export function openRegistryStorage(provider: RegistryContentProvider, repository: string, reference: string, maxDocumentBytes?: number): ImageSource {
  return new StoreImageSource(`${repository}:${reference}`, new RegistryStorageStore(provider, repository, reference), maxDocumentBytes)
}
