/**
 * A small, bounded ZIP reader for advisory exports (osv.dev `all.zip`: one JSON file per record).
 * It walks the central directory with positional reads, so memory use is one entry at a time,
 * and it defends against hostile archives: encrypted entries, unsupported methods, entries above
 * a size cap, a total-size cap, an entry-count cap and CRC mismatches are all clear errors.
 * ZIP64 end-of-central-directory records and size fields are understood.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { crc32, inflateRawSync } from 'node:zlib'

export class ZipError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ZipError'
  }
}

export interface ZipLimits {
  /** Largest uncompressed entry that is read; larger ones are reported as `tooLarge`. */
  readonly maxEntryBytes: number
  /** Sum of uncompressed sizes over the archive (zip-bomb bound). */
  readonly maxTotalBytes: number
  readonly maxEntries: number
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 8 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024 * 1024,
  maxEntries: 5_000_000,
}

export type ZipEntry =
  | { readonly name: string; readonly data: Buffer }
  | { readonly name: string; readonly tooLarge: number }

const EOCD_SIG = 0x06054b50
const ZIP64_LOCATOR_SIG = 0x07064b50
const ZIP64_EOCD_SIG = 0x06064b50
const CDH_SIG = 0x02014b50
const LFH_SIG = 0x04034b50
const U32_MAX = 0xffffffff

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await fh.read(buf, 0, length, position)
  if (bytesRead !== length) throw new ZipError(`truncated archive: wanted ${length} bytes at ${position}`)
  return buf
}

interface Directory {
  readonly entries: number
  readonly offset: number
}

async function findDirectory(fh: FileHandle, size: number): Promise<Directory> {
  const tailLen = Math.min(size, 22 + 0xffff)
  const tail = await readAt(fh, size - tailLen, tailLen)
  let at = -1
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) { at = i; break }
  }
  if (at < 0) throw new ZipError('not a zip archive: no end-of-central-directory record')
  let entries = tail.readUInt16LE(at + 10)
  let offset = tail.readUInt32LE(at + 16)
  const eocdPos = size - tailLen + at
  if ((entries === 0xffff || offset === U32_MAX) && eocdPos >= 20) {
    const loc = await readAt(fh, eocdPos - 20, 20)
    if (loc.readUInt32LE(0) === ZIP64_LOCATOR_SIG) {
      const rec = await readAt(fh, Number(loc.readBigUInt64LE(8)), 56)
      if (rec.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new ZipError('corrupt ZIP64 end-of-central-directory record')
      entries = Number(rec.readBigUInt64LE(32))
      offset = Number(rec.readBigUInt64LE(48))
    }
  }
  if (offset > size) throw new ZipError('corrupt archive: central directory beyond end of file')
  return { entries, offset }
}

/** Reads ZIP64 extended sizes/offset from an extra field, for the fields that were 0xFFFFFFFF. */
function zip64Extra(extra: Buffer, need: { usize: boolean; csize: boolean; offset: boolean }): { usize?: number; csize?: number; offset?: number } {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p)
    const len = extra.readUInt16LE(p + 2)
    if (id === 0x0001) {
      let q = p + 4
      const out: { usize?: number; csize?: number; offset?: number } = {}
      const take = (): number => {
        if (q + 8 > p + 4 + len) throw new ZipError('corrupt ZIP64 extra field')
        const v = Number(extra.readBigUInt64LE(q))
        q += 8
        return v
      }
      if (need.usize) out.usize = take()
      if (need.csize) out.csize = take()
      if (need.offset) out.offset = take()
      return out
    }
    p += 4 + len
  }
  throw new ZipError('ZIP64 sizes announced but no ZIP64 extra field')
}

/** Yields the archive's file entries in central-directory order (directories are skipped). */
export async function* readZip(path: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): AsyncGenerator<ZipEntry> {
  const fh = await open(path, 'r')
  try {
    const size = (await fh.stat()).size
    const dir = await findDirectory(fh, size)
    if (dir.entries > limits.maxEntries) throw new ZipError(`archive has ${dir.entries} entries, limit is ${limits.maxEntries}`)
    let pos = dir.offset
    let total = 0
    for (let i = 0; i < dir.entries; i++) {
      const h = await readAt(fh, pos, 46)
      if (h.readUInt32LE(0) !== CDH_SIG) throw new ZipError(`corrupt central directory at entry ${i}`)
      const flags = h.readUInt16LE(8)
      const method = h.readUInt16LE(10)
      const crc = h.readUInt32LE(16)
      let csize = h.readUInt32LE(20)
      let usize = h.readUInt32LE(24)
      const nameLen = h.readUInt16LE(28)
      const extraLen = h.readUInt16LE(30)
      const commentLen = h.readUInt16LE(32)
      let localOffset = h.readUInt32LE(42)
      const var_ = await readAt(fh, pos + 46, nameLen + extraLen)
      const name = var_.subarray(0, nameLen).toString('utf8')
      if (usize === U32_MAX || csize === U32_MAX || localOffset === U32_MAX) {
        const z = zip64Extra(var_.subarray(nameLen), { usize: usize === U32_MAX, csize: csize === U32_MAX, offset: localOffset === U32_MAX })
        usize = z.usize ?? usize
        csize = z.csize ?? csize
        localOffset = z.offset ?? localOffset
      }
      pos += 46 + nameLen + extraLen + commentLen
      if (name.endsWith('/')) continue
      if ((flags & 1) !== 0) throw new ZipError(`entry ${name} is encrypted`)
      if (method !== 0 && method !== 8) throw new ZipError(`entry ${name} uses unsupported compression method ${method}`)
      if (usize > limits.maxEntryBytes || csize > limits.maxEntryBytes) {
        yield { name, tooLarge: Math.max(usize, csize) }
        continue
      }
      total += usize
      if (total > limits.maxTotalBytes) throw new ZipError(`archive expands beyond ${limits.maxTotalBytes} bytes`)
      const lfh = await readAt(fh, localOffset, 30)
      if (lfh.readUInt32LE(0) !== LFH_SIG) throw new ZipError(`corrupt local header for ${name}`)
      const dataAt = localOffset + 30 + lfh.readUInt16LE(26) + lfh.readUInt16LE(28)
      const raw = await readAt(fh, dataAt, csize)
      let data: Buffer
      try {
        // maxOutputLength bounds the inflate even if the declared size lies.
        data = method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: limits.maxEntryBytes })
      } catch (err) {
        throw new ZipError(`failed to inflate ${name}`, { cause: err })
      }
      if (data.length !== usize || crc32(data) >>> 0 !== crc) throw new ZipError(`entry ${name} fails its size/CRC check`)
      yield { name, data }
    }
  } finally {
    await fh.close()
  }
}
