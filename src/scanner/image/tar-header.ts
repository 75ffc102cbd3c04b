/**
 * Decoding of one 512-byte tar header block (POSIX ustar, with the GNU and PAX extensions the
 * reader handles around it) and of PAX extended-header records. Pure functions, no I/O.
 *
 * Header layout (offset, length): name 0/100, mode 100/8, uid 108/8, gid 116/8, size 124/12,
 * mtime 136/12, chksum 148/8, typeflag 156/1, linkname 157/100, magic 257/6, version 263/2,
 * uname 265/32, gname 297/32, devmajor 329/8, devminor 337/8, prefix 345/155.
 */
import { ImageError } from './image-errors.ts'

export const BLOCK = 512

export interface RawHeader {
  readonly name: string
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly size: number
  readonly type: string
  readonly linkName: string
}

const latin1 = (b: Buffer, start: number, len: number): string => {
  const field = b.subarray(start, start + len)
  const nul = field.indexOf(0)
  return field.toString('utf8', 0, nul < 0 ? len : nul)
}

/**
 * Numeric fields are octal ASCII, or base-256 when the high bit of the first byte is set (GNU,
 * for values that do not fit). Values beyond 2^53 or negative are rejected: no valid layer has
 * them, and they would break offset arithmetic.
 */
export function parseNumber(b: Buffer, start: number, len: number, field: string): number {
  const first = b[start] ?? 0
  if (first & 0x80) {
    if (first === 0xff) throw new ImageError('TAR_INVALID', `tar header ${field} is negative`)
    let v = first & 0x7f
    for (let i = 1; i < len; i++) {
      v = v * 256 + (b[start + i] ?? 0)
      if (v > Number.MAX_SAFE_INTEGER) throw new ImageError('TAR_INVALID', `tar header ${field} is too large`)
    }
    return v
  }
  const text = latin1(b, start, len).trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new ImageError('TAR_INVALID', `tar header ${field} is not an octal number`)
  const v = parseInt(text, 8)
  if (!Number.isSafeInteger(v)) throw new ImageError('TAR_INVALID', `tar header ${field} is too large`)
  return v
}

export function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false
  return true
}

function checksumOk(b: Buffer): boolean {
  const stored = parseNumber(b, 148, 8, 'checksum')
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : (b[i] ?? 0)
    unsigned += v
    signed += v > 127 ? v - 256 : v
  }
  // Some old tars computed the sum over signed chars; accept both as GNU tar does.
  return stored === unsigned || stored === signed
}

export function decodeHeader(b: Buffer): RawHeader {
  if (!checksumOk(b)) throw new ImageError('TAR_INVALID', 'tar header checksum mismatch')
  let name = latin1(b, 0, 100)
  const magic = latin1(b, 257, 6)
  // ustar (POSIX) has a prefix field; the old GNU magic ("ustar  ") uses that space otherwise.
  if (magic === 'ustar') {
    const prefix = latin1(b, 345, 155)
    if (prefix !== '') name = `${prefix}/${name}`
  }
  const typeByte = b[156] ?? 0
  return {
    name,
    mode: parseNumber(b, 100, 8, 'mode'),
    uid: parseNumber(b, 108, 8, 'uid'),
    gid: parseNumber(b, 116, 8, 'gid'),
    size: parseNumber(b, 124, 12, 'size'),
    type: typeByte === 0 ? '0' : String.fromCharCode(typeByte),
    linkName: latin1(b, 157, 100),
  }
}

/** Parses PAX records (`"<len> <key>=<value>\n"`, len counting the whole record). */
export function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>()
  let pos = 0
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos)
    if (space < 0 || space - pos > 20) throw new ImageError('TAR_INVALID', 'malformed PAX record length')
    const len = Number(data.toString('latin1', pos, space))
    if (!Number.isSafeInteger(len) || len <= space - pos + 1 || pos + len > data.length) {
      throw new ImageError('TAR_INVALID', 'malformed PAX record length')
    }
    const record = data.toString('utf8', space + 1, pos + len - 1)
    if (data[pos + len - 1] !== 0x0a) throw new ImageError('TAR_INVALID', 'PAX record does not end with a newline')
    const eq = record.indexOf('=')
    if (eq <= 0) throw new ImageError('TAR_INVALID', 'PAX record without key')
    out.set(record.slice(0, eq), record.slice(eq + 1))
    pos += len
  }
  return out
}

/** A PAX numeric value (size, uid, gid): a non-negative decimal integer. */
export function paxNumber(v: string, key: string): number {
  if (!/^\d{1,16}$/.test(v)) throw new ImageError('TAR_INVALID', `PAX ${key} is not a valid number`)
  const n = Number(v)
  if (!Number.isSafeInteger(n)) throw new ImageError('TAR_INVALID', `PAX ${key} is too large`)
  return n
}
