/**
 * `oci:DIR[:TAG]`: an OCI image layout directory (image spec "Image Layout": `oci-layout`,
 * `index.json`, `blobs/<alg>/<hex>`). The tag is an index.json entry's
 * `org.opencontainers.image.ref.name` annotation; without a tag the layout must hold exactly
 * one entry. Nested indexes are walked by StoreImageSource.
 */
import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { Descriptor } from '../../../oci/descriptor.ts'
import { digestAlgorithm, digestHex } from '../../../oci/digest.ts'
import { parseManifest } from '../../../oci/manifest.ts'
import type { ContentStore } from '../content-store.ts'
import { ImageError } from '../image-errors.ts'
import { StoreImageSource } from '../store-image-source.ts'
import type { ImageSource } from '../source.ts'

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name'

/** Picks the index.json entry a tag names (or the only entry when there is no tag). */
export function selectLayoutEntry(indexJson: Uint8Array, tag: string | undefined, where: string): Descriptor {
  const index = parseManifest(indexJson)
  if (index.kind !== 'index') throw new ImageError('SOURCE_INVALID', `${where}: index.json is not an image index`)
  if (tag !== undefined) {
    const hit = index.manifests.find((m) => m.annotations?.[REF_NAME_ANNOTATION] === tag)
    if (!hit) {
      const tags = index.manifests.map((m) => m.annotations?.[REF_NAME_ANNOTATION]).filter((t) => t !== undefined)
      throw new ImageError('IMAGE_NOT_FOUND', `${where} has no image tagged '${tag}' (tags: ${tags.join(', ') || 'none'})`)
    }
    return hit
  }
  const [only, ...more] = index.manifests
  if (!only) throw new ImageError('IMAGE_NOT_FOUND', `${where}: index.json lists no images`)
  if (more.length > 0) throw new ImageError('SOURCE_INVALID', `${where} holds ${index.manifests.length} images; name one with :TAG`)
  return only
}

export class OciLayoutStore implements ContentStore {
  readonly #dir: string
  readonly #tag: string | undefined

  constructor(dir: string, tag: string | undefined) {
    this.#dir = dir
    this.#tag = tag
  }

  async root(): Promise<Descriptor> {
    let bytes: Buffer
    try {
      bytes = await readFile(join(this.#dir, 'index.json'))
    } catch (err) {
      throw new ImageError('IMAGE_NOT_FOUND', `no OCI layout at ${this.#dir} (index.json unreadable)`, { cause: err })
    }
    return selectLayoutEntry(bytes, this.#tag, `OCI layout ${this.#dir}`)
  }

  async openRaw(d: Descriptor): Promise<Readable> {
    // The digest was validated by parseDescriptor: the hex part cannot contain path separators.
    const path = join(this.#dir, 'blobs', digestAlgorithm(d.digest), digestHex(d.digest))
    try {
      const handle = await open(path, 'r')
      return handle.createReadStream()
    } catch (err) {
      throw new ImageError('IMAGE_NOT_FOUND', `blob ${d.digest} is not in the layout ${this.#dir}`, { cause: err })
    }
  }

  async close(): Promise<void> {}
}

export function openOciLayout(reference: string, dir: string, tag: string | undefined, maxDocumentBytes?: number): ImageSource {
  return new StoreImageSource(reference, new OciLayoutStore(dir, tag), maxDocumentBytes)
}
