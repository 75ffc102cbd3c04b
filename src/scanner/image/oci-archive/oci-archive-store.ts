/**
 * `oci-archive:FILE[:TAG]`: a tar of an OCI image layout (what `skopeo copy ... oci-archive:`
 * and `tar -cf` of a layout produce). The tar is indexed in one streaming pass and read with
 * ranged reads afterwards; nothing is extracted to disk.
 */
import type { Readable } from 'node:stream'
import type { Descriptor } from '../../../oci/descriptor.ts'
import { digestAlgorithm, digestHex } from '../../../oci/digest.ts'
import type { ContentStore } from '../content-store.ts'
import { selectLayoutEntry } from '../oci-layout/oci-layout-store.ts'
import { DEFAULT_SCAN_LIMITS } from '../scan-limits.ts'
import type { ImageSource } from '../source.ts'
import { StoreImageSource } from '../store-image-source.ts'
import { TarFileIndex } from '../tar-file-index.ts'

export class OciArchiveStore implements ContentStore {
  readonly #index: TarFileIndex
  readonly #tag: string | undefined
  readonly #maxDocumentBytes: number

  constructor(index: TarFileIndex, tag: string | undefined, maxDocumentBytes: number) {
    this.#index = index
    this.#tag = tag
    this.#maxDocumentBytes = maxDocumentBytes
  }

  async root(): Promise<Descriptor> {
    const bytes = await this.#index.read('index.json', 'index.json', this.#maxDocumentBytes)
    return selectLayoutEntry(bytes, this.#tag, `OCI archive ${this.#index.file}`)
  }

  async openRaw(d: Descriptor): Promise<Readable> {
    return this.#index.open(`blobs/${digestAlgorithm(d.digest)}/${digestHex(d.digest)}`, `blob ${d.digest}`)
  }

  async close(): Promise<void> {}
}

export async function openOciArchive(reference: string, file: string, tag: string | undefined, maxDocumentBytes = DEFAULT_SCAN_LIMITS.maxDocumentBytes): Promise<ImageSource> {
  const index = await TarFileIndex.build(file, { what: 'OCI archive' })
  return new StoreImageSource(reference, new OciArchiveStore(index, tag, maxDocumentBytes), maxDocumentBytes)
}
