/**
 * Extraction of one entry: local header, compressed bytes, inflate (node:zlib) and the size and
 * CRC-32 check. Output is bounded twice: the recorded size must be within the caller's limit,
 * and zlib's `maxOutputLength` stops an inflate whose stream is longer than the recorded size.
 */
import { crc32, inflateRawSync } from 'node:zlib'
import type { ByteSource } from './byte-source.ts'
import type { ZipEntry } from './central-directory.ts'
import { ZipError } from './zip-error.ts'
import { decodeName, readRecord, viewOf } from './zip-io.ts'

const LOCAL_SIG = 0x04034b50
const LOCAL_LEN = 30
const STORED = 0
const DEFLATE = 8
const EXTRA_GUESS = 64

/** Throws `UNSUPPORTED` for encrypted entries and compression methods other than stored/deflate. */
export function assertSupported(entry: ZipEntry): void {
  if ((entry.flags & 1) !== 0) throw new ZipError('UNSUPPORTED', `${entry.name}: encrypted entry`)
  if (entry.method !== STORED && entry.method !== DEFLATE) {
    throw new ZipError('UNSUPPORTED', `${entry.name}: unsupported compression method ${entry.method}`)
  }
}

/** True when reading the entry would exceed `maxBytes` (checked on both recorded sizes). */
export function exceedsLimit(entry: ZipEntry, maxBytes: number): boolean {
  return entry.size > maxBytes || entry.compressedSize > maxBytes
}

/**
 * The entry's uncompressed bytes. `dataEnd` is where entry data must stop (the central
 * directory's offset), which rejects entries that overlap the directory.
 * Throws ZipError: UNSUPPORTED, LIMIT_EXCEEDED, TRUNCATED, CORRUPT, CHECKSUM_MISMATCH.
 */
export async function readEntryData(source: ByteSource, entry: ZipEntry, maxBytes: number, dataEnd: number): Promise<Uint8Array> {
  assertSupported(entry)
  if (exceedsLimit(entry, maxBytes)) {
    throw new ZipError('LIMIT_EXCEEDED', `${entry.name}: ${Math.max(entry.size, entry.compressedSize)} bytes, over the limit ${maxBytes}`)
  }
  if (entry.method === STORED && entry.compressedSize !== entry.size) {
    throw new ZipError('CORRUPT', `${entry.name}: stored entry with different compressed and uncompressed sizes`)
  }
  // One read for header, name, a typical extra field and the data; a second only when the extra is larger.
  const guess = LOCAL_LEN + Buffer.byteLength(entry.name) + EXTRA_GUESS + entry.compressedSize
  let block = await readRecord(source, entry.localOffset, Math.min(guess, Math.max(LOCAL_LEN, dataEnd - entry.localOffset)), `local header of ${entry.name}`)
  const header = viewOf(block)
  if (header.getUint32(0, true) !== LOCAL_SIG) throw new ZipError('CORRUPT', `${entry.name}: bad local header`)
  const nameLen = header.getUint16(26, true)
  const extraLen = header.getUint16(28, true)
  const dataAt = LOCAL_LEN + nameLen + extraLen
  if (entry.localOffset + dataAt + entry.compressedSize > dataEnd) throw new ZipError('CORRUPT', `${entry.name}: data runs into the central directory`)
  if (dataAt + entry.compressedSize > block.byteLength) {
    block = await readRecord(source, entry.localOffset, dataAt + entry.compressedSize, `data of ${entry.name}`)
  }
  // Two names for one entry let different tools see different files: refuse the ambiguity.
  if (decodeName(block.subarray(LOCAL_LEN, LOCAL_LEN + nameLen)) !== entry.name) {
    throw new ZipError('CORRUPT', `${entry.name}: local header names a different file`)
  }
  const raw = block.subarray(dataAt, dataAt + entry.compressedSize)
  const data = entry.method === STORED ? raw : inflate(raw, entry)
  if (data.byteLength !== entry.size || crc32(data) >>> 0 !== entry.crc32) {
    throw new ZipError('CHECKSUM_MISMATCH', `${entry.name}: fails its size/CRC-32 check`)
  }
  return data
}

function inflate(raw: Uint8Array, entry: ZipEntry): Uint8Array {
  try {
    // One byte more than recorded: a longer stream then shows up as a size mismatch, not a huge buffer.
    return inflateRawSync(raw, { maxOutputLength: entry.size + 1 })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ZipError('CHECKSUM_MISMATCH', `${entry.name}: inflates beyond its recorded ${entry.size} bytes`, { cause: err })
    }
    throw new ZipError('CORRUPT', `${entry.name}: broken deflate stream (${(err as Error).message.slice(0, 200)})`, { cause: err })
  }
}
