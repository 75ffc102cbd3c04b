/**
 * Random access into an uncompressed tar file without extracting it: one streaming pass records
 * where each regular file's data starts, later reads are ranged file reads. Used by the
 * oci-archive and docker-archive sources.
 */
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { ImageError } from './image-errors.ts'
import { sniffCompression } from './layer-stream.ts'
import { resolveLinkTarget } from './normalize-path.ts'
import { readTar } from './tar-reader.ts'

export interface TarFileEntry {
  readonly offset: number
  readonly size: number
}

export class TarFileIndex {
  readonly file: string
  readonly #entries: ReadonlyMap<string, TarFileEntry>

  private constructor(file: string, entries: ReadonlyMap<string, TarFileEntry>) {
    this.file = file
    this.#entries = entries
  }

  static async build(file: string, opts: { maxEntries?: number; what: string }): Promise<TarFileIndex> {
    let head: Buffer
    try {
      const fh = await open(file, 'r')
      try {
        head = Buffer.alloc(4)
        await fh.read(head, 0, 4, 0)
      } finally {
        await fh.close()
      }
    } catch (err) {
      throw new ImageError('IMAGE_NOT_FOUND', `cannot read ${opts.what} ${file}`, { cause: err })
    }
    if (sniffCompression(head) !== 'none') {
      throw new ImageError('UNSUPPORTED_MEDIA_TYPE', `${opts.what} ${file} is compressed; decompress it first (random access needs a plain tar)`)
    }
    const entries = new Map<string, TarFileEntry>()
    const links: [string, string][] = []
    const symlinks = new Map<string, string>()
    for await (const e of readTar(createReadStream(file), { maxEntries: opts.maxEntries ?? 1_000_000, maxMetadataBytes: 1 << 20, maxEntrySize: Number.MAX_SAFE_INTEGER })) {
      if (e.type === 'file') entries.set(e.path, { offset: e.dataOffset, size: e.size })
      else if (e.type === 'hardlink' && e.linkTarget !== undefined) links.push([e.path, e.linkTarget])
      else if (e.type === 'symlink' && e.linkTarget !== undefined) symlinks.set(e.path, resolveLinkTarget(e.path, e.linkTarget))
    }
    // docker save writes `<id>/layer.tar -> ../<hex>.tar`; follow such links a bounded number of hops.
    for (const [path, first] of symlinks) {
      let target: string | undefined = first
      for (let hops = 0; target !== undefined && !entries.has(target) && hops < 8; hops++) target = symlinks.get(target)
      const t = target === undefined ? undefined : entries.get(target)
      if (t && !entries.has(path)) links.push([path, target as string])
    }
    for (const [path, target] of links) {
      const t = entries.get(target)
      if (t) entries.set(path, t)
    }
    return new TarFileIndex(file, entries)
  }

  has(path: string): boolean {
    return this.#entries.has(path)
  }

  get(path: string): TarFileEntry | undefined {
    return this.#entries.get(path)
  }

  paths(): IterableIterator<string> {
    return this.#entries.keys()
  }

  /** A stream of one entry's bytes; throws IMAGE_NOT_FOUND for a path the archive does not hold. */
  open(path: string, what: string): Readable {
    const e = this.#entries.get(path)
    if (!e) throw new ImageError('IMAGE_NOT_FOUND', `${what} is not in ${this.file}`)
    // createReadStream's `end` is inclusive; an empty entry gets an empty range.
    return createReadStream(this.file, e.size === 0 ? { start: e.offset, end: e.offset - 1 } : { start: e.offset, end: e.offset + e.size - 1 })
  }

  /** Reads a small entry fully (manifest.json, index.json), refusing anything over maxBytes. */
  async read(path: string, what: string, maxBytes: number): Promise<Buffer> {
    const e = this.#entries.get(path)
    if (!e) throw new ImageError('IMAGE_NOT_FOUND', `${what} is not in ${this.file}`)
    if (e.size > maxBytes) throw new ImageError('LIMIT_EXCEEDED', `${what} in ${this.file} is ${e.size} bytes, over the ${maxBytes}-byte limit`)
    const chunks: Buffer[] = []
    for await (const c of this.open(path, what)) chunks.push(c as Buffer)
    return Buffer.concat(chunks)
  }
}
