/**
 * A streaming tar reader: ustar, GNU long names/links ('L'/'K'), PAX extended headers ('x', with
 * path, linkpath, size, uid, gid; global 'g' headers are read and ignored) and base-256 numbers.
 * Entries are yielded one at a time; the caller may read an entry's body with `body()` or not at
 * all, in which case its bytes are skipped (never buffered) when the iteration moves on.
 *
 * Robustness: every header is checksummed, metadata records are size-limited, entry sizes are
 * checked against the stream limit before skipping, and a stream that ends mid-entry raises
 * TAR_TRUNCATED. A stream that ends cleanly at a header boundary without the two zero blocks
 * is accepted, as GNU tar accepts it. Bytes after the end-of-archive marker are read and
 * discarded, so that digests computed over the whole stream complete (the caller's size limit
 * still applies to them).
 */
import { ChunkReader } from './chunk-reader.ts'
import { ImageError } from './image-errors.ts'
import { normalizeTarPath } from './normalize-path.ts'
import { BLOCK, decodeHeader, isZeroBlock, parsePax, paxNumber } from './tar-header.ts'

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'char' | 'block' | 'fifo' | 'other'

export interface TarEntry {
  /** Normalised path (see normalizeTarPath); '' is the root directory. */
  readonly path: string
  /** The name as written in the archive, for messages. */
  readonly rawName: string
  readonly type: TarEntryType
  /** Data size in bytes (0 for links, directories and devices). */
  readonly size: number
  readonly mode: number
  readonly uid: number
  readonly gid: number
  /** Symlink target as written (not normalised), or the normalised path a hard link points to. */
  readonly linkTarget?: string
  /** Offset of the entry's first data byte in the (uncompressed) tar stream. */
  readonly dataOffset: number
  /** The entry's data as chunks (views valid until the next chunk). Call at most once. */
  body(): AsyncGenerator<Buffer>
}

export interface TarReadLimits {
  /** Max number of entries (headers of files, dirs, links) before LIMIT_EXCEEDED. */
  readonly maxEntries: number
  /** Max size of one PAX or GNU long-name record. */
  readonly maxMetadataBytes: number
  /** Max size one entry may declare (usually the uncompressed layer limit). */
  readonly maxEntrySize: number
}

export const DEFAULT_TAR_LIMITS: TarReadLimits = {
  maxEntries: 1_000_000,
  maxMetadataBytes: 1 << 20,
  maxEntrySize: Number.MAX_SAFE_INTEGER,
}

const TYPES: Readonly<Record<string, TarEntryType>> = {
  '0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo',
}
/** Types whose size field does not describe data in the archive. */
const NO_DATA = new Set(['1', '2', '3', '4', '5', '6'])

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK

function truncated(where: string): ImageError {
  return new ImageError('TAR_TRUNCATED', `tar stream ends inside ${where}`)
}

async function readMeta(r: ChunkReader, size: number, limits: TarReadLimits, kind: string): Promise<Buffer> {
  if (size > limits.maxMetadataBytes) {
    throw new ImageError('LIMIT_EXCEEDED', `tar ${kind} record of ${size} bytes exceeds the limit of ${limits.maxMetadataBytes}`)
  }
  const data = Buffer.from(await r.read(size))
  if (data.length < size) throw truncated(`a ${kind} record`)
  if ((await r.skip(padding(size))) < padding(size)) throw truncated(`a ${kind} record`)
  return data
}

const cString = (b: Buffer): string => {
  const nul = b.indexOf(0)
  return b.toString('utf8', 0, nul < 0 ? b.length : nul)
}

export async function* readTar(source: AsyncIterable<Uint8Array>, limits: TarReadLimits = DEFAULT_TAR_LIMITS): AsyncGenerator<TarEntry> {
  const r = new ChunkReader(source)
  let entries = 0
  let longName: string | undefined
  let longLink: string | undefined
  let pax: Map<string, string> | undefined
  for (;;) {
    const block = await r.read(BLOCK)
    if (block.length === 0) return
    if (block.length < BLOCK) throw truncated('a header')
    if (isZeroBlock(block)) {
      // Read what follows the end marker (zero padding) so digests over the whole stream complete.
      await r.drain()
      return
    }
    const h = decodeHeader(block)
    if (h.size > limits.maxEntrySize) {
      throw new ImageError('LIMIT_EXCEEDED', `tar entry ${h.name.slice(0, 200)} declares ${h.size} bytes, over the limit of ${limits.maxEntrySize}`)
    }
    if (h.type === 'L' || h.type === 'K' || h.type === 'x' || h.type === 'g') {
      const data = await readMeta(r, h.size, limits, h.type === 'x' || h.type === 'g' ? 'PAX' : 'GNU long name')
      if (h.type === 'L') longName = cString(data)
      else if (h.type === 'K') longLink = cString(data)
      else if (h.type === 'x') pax = parsePax(data)
      // 'g' (global) headers carry defaults no layer writer uses for paths; validated, then ignored.
      else parsePax(data)
      continue
    }
    if (++entries > limits.maxEntries) {
      throw new ImageError('LIMIT_EXCEEDED', `layer has more than ${limits.maxEntries} tar entries`)
    }
    const name = pax?.get('path') ?? longName ?? h.name
    const link = pax?.get('linkpath') ?? longLink ?? h.linkName
    let size = NO_DATA.has(h.type) ? 0 : h.size
    const paxSize = pax?.get('size')
    if (paxSize !== undefined && !NO_DATA.has(h.type)) size = paxNumber(paxSize, 'size')
    if (size > limits.maxEntrySize) {
      throw new ImageError('LIMIT_EXCEEDED', `tar entry ${name.slice(0, 200)} declares ${size} bytes, over the limit of ${limits.maxEntrySize}`)
    }
    const uid = pax?.has('uid') ? paxNumber(pax.get('uid') ?? '', 'uid') : h.uid
    const gid = pax?.has('gid') ? paxNumber(pax.get('gid') ?? '', 'gid') : h.gid
    longName = longLink = pax = undefined

    const type = TYPES[h.type] ?? 'other'
    const path = normalizeTarPath(name)
    let consumed = 0
    let started = false
    const dataOffset = r.offset
    const entry: TarEntry = {
      path,
      rawName: name,
      type,
      size,
      mode: h.mode & 0o7777,
      uid,
      gid,
      ...(type === 'symlink' ? { linkTarget: link } : type === 'hardlink' ? { linkTarget: normalizeTarPath(link) } : {}),
      dataOffset,
      async *body() {
        if (started) throw new Error('tar entry body can be read only once')
        started = true
        const it = r.take(size)
        for (;;) {
          const next = await it.next()
          if (next.done) break
          consumed += next.value.length
          yield next.value
        }
        if (consumed < size) throw truncated(`entry ${name.slice(0, 200)}`)
      },
    }
    yield entry
    const rest = size - consumed + padding(size)
    if ((await r.skip(rest)) < rest) {
      // The padding may be missing at the very end of a stream; the data may not.
      if (r.offset < dataOffset + size) throw truncated(`entry ${name.slice(0, 200)}`)
      return
    }
  }
}
