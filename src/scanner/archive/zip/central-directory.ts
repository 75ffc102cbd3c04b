/**
 * The central directory of a zip archive (APPNOTE.TXT 4.3.12-4.3.16), ZIP64 included.
 *
 *   [local header 1][data 1] ... [local header n][data n]
 *   [central directory: one header per entry][ZIP64 EOCD][ZIP64 locator][EOCD + comment]
 *
 * Everything is located from the end-of-central-directory record (EOCD). The directory is read
 * through a window of at most a few hundred KiB, so millions of entries stream without being
 * held in memory. Every offset and count is checked against the archive before it is trusted.
 */
import type { ByteSource } from './byte-source.ts'
import { ZipError } from './zip-error.ts'
import { decodeName, readRecord, u64, viewOf } from './zip-io.ts'

const EOCD_SIG = 0x06054b50
const EOCD_LEN = 22
const ZIP64_LOCATOR_SIG = 0x07064b50
const ZIP64_LOCATOR_LEN = 20
const ZIP64_EOCD_SIG = 0x06064b50
const ZIP64_EOCD_LEN = 56
const CENTRAL_SIG = 0x02014b50
const CENTRAL_LEN = 46
const U16_MAX = 0xffff
const U32_MAX = 0xffffffff
const WINDOW = 64 * 1024

/** One file entry as the central directory describes it. */
export interface ZipEntry {
  /** The stored name, as data: it may hold `../`, absolute paths or NULs. Never use it as a filesystem path. */
  readonly name: string
  readonly method: number
  readonly flags: number
  readonly crc32: number
  readonly compressedSize: number
  readonly size: number
  readonly localOffset: number
}

export interface CentralDirectory {
  readonly entryCount: number
  readonly offset: number
  readonly size: number
}

/** Finds and validates the (ZIP64) end-of-central-directory record. */
export async function readCentralDirectoryLocation(source: ByteSource): Promise<CentralDirectory> {
  const tailLen = Math.min(source.size, EOCD_LEN + U16_MAX)
  const tailStart = source.size - tailLen
  const tail = viewOf(await readRecord(source, tailStart, tailLen, 'archive tail'))
  let at = -1
  // The last signature whose comment fits in the file; earlier ones may sit inside data.
  for (let i = tailLen - EOCD_LEN; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD_SIG && i + EOCD_LEN + tail.getUint16(i + 20, true) <= tailLen) {
      at = i
      break
    }
  }
  if (at < 0) throw new ZipError('NOT_A_ZIP', 'not a zip archive: no end-of-central-directory record')
  const eocdPos = tailStart + at
  const disk = tail.getUint16(at + 4, true)
  const cdDisk = tail.getUint16(at + 6, true)
  let dir: CentralDirectory = {
    entryCount: tail.getUint16(at + 10, true),
    size: tail.getUint32(at + 12, true),
    offset: tail.getUint32(at + 16, true),
  }
  let end = eocdPos
  const zip64 = dir.entryCount === U16_MAX || dir.size === U32_MAX || dir.offset === U32_MAX
  if (zip64 && eocdPos >= ZIP64_LOCATOR_LEN) {
    const loc = viewOf(await readRecord(source, eocdPos - ZIP64_LOCATOR_LEN, ZIP64_LOCATOR_LEN, 'ZIP64 locator'))
    if (loc.getUint32(0, true) === ZIP64_LOCATOR_SIG) {
      const recPos = u64(loc, 8, 'ZIP64 end-of-central-directory offset')
      if (recPos + ZIP64_EOCD_LEN > eocdPos - ZIP64_LOCATOR_LEN) throw new ZipError('CORRUPT', 'corrupt ZIP64 end-of-central-directory record: bad offset')
      const rec = viewOf(await readRecord(source, recPos, ZIP64_EOCD_LEN, 'ZIP64 end-of-central-directory record'))
      if (rec.getUint32(0, true) !== ZIP64_EOCD_SIG) throw new ZipError('CORRUPT', 'corrupt ZIP64 end-of-central-directory record')
      if (rec.getUint32(16, true) !== 0 || rec.getUint32(20, true) !== 0) throw new ZipError('UNSUPPORTED', 'multi-disk zip archives are not supported')
      dir = {
        entryCount: u64(rec, 32, 'ZIP64 entry count'),
        size: u64(rec, 40, 'ZIP64 central directory size'),
        offset: u64(rec, 48, 'ZIP64 central directory offset'),
      }
      end = recPos
    }
  }
  if ((disk !== 0 && disk !== U16_MAX) || (cdDisk !== 0 && cdDisk !== U16_MAX)) {
    throw new ZipError('UNSUPPORTED', 'multi-disk zip archives are not supported')
  }
  if (dir.offset + dir.size > end) throw new ZipError('CORRUPT', 'corrupt archive: central directory runs past its end record')
  if (dir.entryCount * CENTRAL_LEN > dir.size) {
    throw new ZipError('CORRUPT', `corrupt archive: ${dir.entryCount} entries cannot fit a ${dir.size}-byte central directory`)
  }
  return dir
}

/**
 * Yields the entries in directory order. Directory entries (names ending in `/`) are skipped.
 * Throws `CORRUPT` on a bad header, a missing ZIP64 field, or a local header that does not lie
 * before the central directory.
 */
export async function* walkCentralDirectory(source: ByteSource, dir: CentralDirectory): AsyncGenerator<ZipEntry> {
  const end = dir.offset + dir.size
  let winStart = dir.offset
  let win: Uint8Array = new Uint8Array(0)
  let view = viewOf(win)
  let pos = dir.offset
  const ensure = async (n: number, index: number): Promise<void> => {
    if (pos + n > end) throw new ZipError('CORRUPT', `corrupt central directory: entry ${index} runs past the directory`)
    if (pos + n <= winStart + win.byteLength) return
    winStart = pos
    win = await readRecord(source, pos, Math.min(end - pos, Math.max(n, WINDOW)), 'central directory')
    view = viewOf(win)
  }
  for (let i = 0; i < dir.entryCount; i++) {
    await ensure(CENTRAL_LEN, i)
    let h = pos - winStart
    if (view.getUint32(h, true) !== CENTRAL_SIG) throw new ZipError('CORRUPT', `corrupt central directory at entry ${i}`)
    const nameLen = view.getUint16(h + 28, true)
    const extraLen = view.getUint16(h + 30, true)
    const commentLen = view.getUint16(h + 32, true)
    await ensure(CENTRAL_LEN + nameLen + extraLen + commentLen, i)
    h = pos - winStart
    const name = decodeName(win.subarray(h + CENTRAL_LEN, h + CENTRAL_LEN + nameLen))
    const sizes = {
      size: view.getUint32(h + 24, true),
      compressedSize: view.getUint32(h + 20, true),
      localOffset: view.getUint32(h + 42, true),
    }
    applyZip64Extra(viewOf(win.subarray(h + CENTRAL_LEN + nameLen, h + CENTRAL_LEN + nameLen + extraLen)), sizes, name)
    if (sizes.localOffset + 30 > dir.offset) throw new ZipError('CORRUPT', `corrupt archive: local header of ${name} is not before the central directory`)
    const entry: ZipEntry = {
      name,
      method: view.getUint16(h + 10, true),
      flags: view.getUint16(h + 8, true),
      crc32: view.getUint32(h + 16, true),
      ...sizes,
    }
    pos += CENTRAL_LEN + nameLen + extraLen + commentLen
    if (!name.endsWith('/')) yield entry
  }
}

interface Sizes {
  size: number
  compressedSize: number
  localOffset: number
}

/** The ZIP64 extra field (id 1) holds, in this order, those of the three values that were 0xFFFFFFFF. */
function applyZip64Extra(extra: DataView, s: Sizes, name: string): void {
  const need = (['size', 'compressedSize', 'localOffset'] as const).filter((k) => s[k] === U32_MAX)
  if (need.length === 0) return
  for (let p = 0; p + 4 <= extra.byteLength; ) {
    const id = extra.getUint16(p, true)
    const len = extra.getUint16(p + 2, true)
    if (p + 4 + len > extra.byteLength) break
    if (id === 1) {
      if (need.length * 8 > len) throw new ZipError('CORRUPT', `corrupt ZIP64 extra field for ${name}`)
      need.forEach((k, i) => {
        s[k] = u64(extra, p + 4 + i * 8, `ZIP64 field of ${name}`)
      })
      return
    }
    p += 4 + len
  }
  throw new ZipError('CORRUPT', `corrupt archive: ${name} announces ZIP64 sizes but has no ZIP64 extra field`)
}
