/**
 * An in-memory zip reader (APPNOTE.TXT): the central directory (zip64 included) and bounded
 * extraction of one entry (stored or deflated, via node:zlib with `maxOutputLength`).
 *
 * Safety: every offset is checked against the buffer, the entry count is capped, an entry is only
 * inflated up to the caller's limit (a zip bomb stops at the limit with an error), and entry names
 * are returned as data: callers must never use them as filesystem paths.
 */
import { inflateRawSync } from 'node:zlib'

export interface ZipEntry {
  readonly name: string
  readonly method: number
  readonly flags: number
  readonly compressedSize: number
  readonly size: number
  readonly localOffset: number
}

export const MAX_ZIP_ENTRIES = 200_000
const EOCD_SIG = 0x06054b50
const ZIP64_LOCATOR_SIG = 0x07064b50
const ZIP64_EOCD_SIG = 0x06064b50
const CENTRAL_SIG = 0x02014b50
const LOCAL_SIG = 0x04034b50

/** Lists the entries, or returns an error message. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let eocd = -1
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD_SIG) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return 'not a zip archive (no end of central directory)'
  let count = view.getUint16(eocd + 10, true)
  let cdOffset = view.getUint32(eocd + 16, true)
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIG) {
    const z64 = Number(view.getBigUint64(eocd - 20 + 8, true))
    if (z64 + 56 > bytes.length || view.getUint32(z64, true) !== ZIP64_EOCD_SIG) return 'bad zip64 end of central directory'
    count = Number(view.getBigUint64(z64 + 32, true))
    cdOffset = Number(view.getBigUint64(z64 + 48, true))
  }
  if (count > MAX_ZIP_ENTRIES) return `zip has ${count} entries, more than the limit ${MAX_ZIP_ENTRIES}`
  const entries: ZipEntry[] = []
  let at = cdOffset
  const decoder = new TextDecoder()
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_SIG) return 'corrupt zip central directory'
    const nameLen = view.getUint16(at + 28, true)
    const extraLen = view.getUint16(at + 30, true)
    const commentLen = view.getUint16(at + 32, true)
    if (at + 46 + nameLen + extraLen > bytes.length) return 'corrupt zip central directory'
    const sizes = {
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    }
    applyZip64Extra(view, at + 46 + nameLen, extraLen, sizes)
    entries.push({
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLen)),
      method: view.getUint16(at + 10, true),
      flags: view.getUint16(at + 8, true),
      ...sizes,
    })
    at += 46 + nameLen + extraLen + commentLen
  }
  return entries
}

/** The zip64 extra field (id 1) holds, in order, whichever of the three values were 0xffffffff. */
function applyZip64Extra(view: DataView, start: number, len: number, s: { compressedSize: number; size: number; localOffset: number }): void {
  let at = start
  while (at + 4 <= start + len) {
    const id = view.getUint16(at, true)
    const size = view.getUint16(at + 2, true)
    if (id === 1) {
      let field = at + 4
      const next = (): number | undefined => {
        if (field + 8 > at + 4 + size) return undefined
        const v = Number(view.getBigUint64(field, true))
        field += 8
        return v
      }
      if (s.size === 0xffffffff) s.size = next() ?? s.size
      if (s.compressedSize === 0xffffffff) s.compressedSize = next() ?? s.compressedSize
      if (s.localOffset === 0xffffffff) s.localOffset = next() ?? s.localOffset
      return
    }
    at += 4 + size
  }
}

/** The entry's bytes, at most `limit` of them; an error message for anything unreadable. */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, limit: number): Uint8Array | string {
  if ((entry.flags & 1) !== 0) return `${entry.name}: encrypted entry`
  if (entry.size > limit) return `${entry.name}: ${entry.size} bytes, over the limit ${limit}`
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = entry.localOffset
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_SIG) return `${entry.name}: bad local header`
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true)
  const end = start + entry.compressedSize
  if (end > bytes.length) return `${entry.name}: data past the end of the archive`
  const data = bytes.subarray(start, end)
  if (entry.method === 0) return data
  if (entry.method !== 8) return `${entry.name}: unsupported compression method ${entry.method}`
  try {
    // The declared size may lie: maxOutputLength is what actually bounds the output.
    return inflateRawSync(data, { maxOutputLength: Math.max(1, Math.min(limit, entry.size || limit)) })
  } catch (err) {
    return `${entry.name}: ${(err as Error).message.slice(0, 200)}`
  }
}
