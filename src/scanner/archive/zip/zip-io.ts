/** Bounded reads and little-endian field access shared by the zip record parsers. */
import type { ByteSource } from './byte-source.ts'
import { ZipError } from './zip-error.ts'

/** Reads a record, turning a range past the end of the source into a `TRUNCATED` ZipError. */
export async function readRecord(source: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (offset < 0 || offset + length > source.size) {
    throw new ZipError('TRUNCATED', `truncated archive: ${what} at offset ${offset} needs ${length} bytes, archive has ${source.size}`)
  }
  let bytes: Uint8Array
  try {
    bytes = await source.read(offset, length)
  } catch (err) {
    throw new ZipError('TRUNCATED', `truncated archive: failed to read ${what} at offset ${offset}`, { cause: err })
  }
  if (bytes.byteLength !== length) throw new ZipError('TRUNCATED', `truncated archive: short read of ${what} at offset ${offset}`)
  return bytes
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** A 64-bit field as a number; values that a double cannot hold exactly cannot be real offsets. */
export function u64(view: DataView, at: number, what: string): number {
  const v = view.getBigUint64(at, true)
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('CORRUPT', `corrupt archive: ${what} is out of range`)
  return Number(v)
}

const utf8 = new TextDecoder('utf-8')

/** Entry names are decoded as UTF-8 (what jar, zip and osv.dev write); invalid bytes become U+FFFD. */
export function decodeName(bytes: Uint8Array): string {
  return utf8.decode(bytes)
}
