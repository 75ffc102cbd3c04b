/**
 * The internal contract most sources reduce to: a content-addressed store plus a way to find the
 * root document a reference names. StoreImageSource (store-image-source.ts) builds the whole
 * ImageSource on top of it: index walking, platform selection, verification, size limits.
 */
import type { Readable } from 'node:stream'
import type { Descriptor } from '../../oci/descriptor.ts'
import type { Digest } from '../../oci/digest.ts'
import type { OpenOptions } from './source.ts'

/** A manifest or index as raw bytes; `digest` is verified by the source before use. */
export interface RootDocument {
  readonly bytes: Uint8Array
  readonly digest: Digest
  /** Media type from the transport (Content-Type, descriptor), when there is one. */
  readonly mediaType?: string
}

export interface ContentStore {
  /**
   * The document the reference names (a manifest or an index). Either the bytes, or a
   * descriptor the source then reads with openRaw. Throws ImageError IMAGE_NOT_FOUND.
   */
  root(opts: OpenOptions): Promise<RootDocument | Descriptor>
  /**
   * Raw bytes of a blob or manifest by digest, unverified (the caller verifies). `kind` lets
   * stores that keep manifests apart from blobs (registries) pick the endpoint. Throws
   * IMAGE_NOT_FOUND when the store does not hold it.
   */
  openRaw(descriptor: Descriptor, kind: 'manifest' | 'blob', opts: OpenOptions): Promise<Readable>
  /** Whether the store holds the blob (ImageSource.hasBlob); stores of one tenant leave it out. */
  hasBlob?(descriptor: Descriptor, opts: OpenOptions): Promise<boolean>
  close(): Promise<void>
}
