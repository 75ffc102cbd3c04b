/**
 * Blobs as repositories see them: a blob is readable in a repository only when it is linked
 * there (metadata), and its bytes live once, content-addressed, in the storage driver.
 * Deleting a blob unlinks it from the repository; reclaiming bytes is garbage collection's job,
 * and every path here that writes bytes, links or tells a client "this blob exists" pins the blob
 * first (gc/blob-pins.ts), so a concurrent collection never deletes what a push is about to use.
 */
import type { Readable } from 'node:stream'
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { Clock } from '../ports.ts'
import type { MetadataStore } from '../metadata/store.ts'
import { isPathNotFound, type IoOptions, type StorageDriver } from '../storage/driver.ts'
import { blobDataPath } from '../storage/paths.ts'
import { blobUnknown } from './errors.ts'
import type { BlobPins } from '../gc/blob-pins.ts'

export interface ByteRange {
  /** First byte, inclusive. */
  readonly start: number
  /** Last byte, inclusive. */
  readonly end: number
}

export interface BlobDeps {
  readonly driver: StorageDriver
  readonly store: MetadataStore
  readonly clock: Clock
  /** Garbage collection pins; none (tests of other parts) when absent. */
  readonly pins?: BlobPins
}

export class BlobService {
  readonly #d: BlobDeps

  constructor(deps: BlobDeps) {
    this.#d = deps
  }

  /**
   * Size of a blob linked to `repo`; throws BLOB_UNKNOWN. The answer may make a client skip the
   * upload and reference the blob, so it refreshes the blob's pin, and reads the link again after
   * (a collector may have claimed the blob in between: then it is unknown).
   */
  async stat(repo: RepositoryName, digest: Digest): Promise<{ readonly size: number }> {
    const link = await this.#d.store.blobs.get(repo, digest)
    if (!link) throw blobUnknown(digest)
    if (!this.#d.pins) return link
    if (!(await this.#d.pins.touch(digest))) throw blobUnknown(digest)
    const still = await this.#d.store.blobs.get(repo, digest)
    if (!still) throw blobUnknown(digest)
    return still
  }

  /** Pins a blob before its bytes are written or linked (upload commit); see gc/blob-pins.ts. */
  async hold(digest: Digest): Promise<void> {
    await this.#d.pins?.hold(digest)
  }

  /**
   * Opens a linked blob, optionally one byte range (already checked against the size by the
   * caller). Throws BLOB_UNKNOWN, also when the link exists but the bytes are gone.
   */
  async open(repo: RepositoryName, digest: Digest, range?: ByteRange, opts: IoOptions = {}): Promise<Readable> {
    await this.stat(repo, digest)
    try {
      return await this.#d.driver.reader(blobDataPath(digest), {
        ...opts,
        ...(range ? { offset: range.start, length: range.end - range.start + 1 } : {}),
      })
    } catch (err) {
      if (isPathNotFound(err)) throw blobUnknown(digest)
      throw err
    }
  }

  /** Unlinks the blob from `repo`; throws BLOB_UNKNOWN when it was not linked. */
  async delete(repo: RepositoryName, digest: Digest): Promise<void> {
    if (!(await this.#d.store.blobs.unlink(repo, digest))) throw blobUnknown(digest)
  }

  /**
   * Links a blob held by `from` (or, when `from` is undefined, by any repository) into `repo`.
   * Resolves to its size, or undefined when there is nothing to mount (the caller then starts
   * a normal upload, as the spec says).
   */
  async mount(repo: RepositoryName, digest: Digest, from?: RepositoryName): Promise<number | undefined> {
    await this.hold(digest)
    const source = from === undefined ? await this.#d.store.blobs.findAnywhere(digest) : await this.#d.store.blobs.get(from, digest)
    if (!source) return undefined
    if (!(await this.#exists(digest))) return undefined
    await this.#d.store.blobs.link(repo, digest, source.size, this.#d.clock.now())
    return source.size
  }

  /** Stores small content (manifests) under its digest, if not there yet, and links it. */
  async putSmall(repo: RepositoryName, digest: Digest, content: Uint8Array): Promise<void> {
    await this.hold(digest)
    if (!(await this.#exists(digest))) await this.#d.driver.putContent(blobDataPath(digest), content)
    await this.#d.store.blobs.link(repo, digest, content.byteLength, this.#d.clock.now())
  }

  /** Reads small content (manifests) stored with putSmall. */
  async getSmall(digest: Digest): Promise<Buffer> {
    try {
      return await this.#d.driver.getContent(blobDataPath(digest))
    } catch (err) {
      if (isPathNotFound(err)) throw blobUnknown(digest)
      throw err
    }
  }

  async #exists(digest: Digest): Promise<boolean> {
    try {
      await this.#d.driver.stat(blobDataPath(digest))
      return true
    } catch (err) {
      if (isPathNotFound(err)) return false
      throw err
    }
  }
}
