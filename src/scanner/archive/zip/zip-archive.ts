/**
 * A zip archive opened over a `ByteSource` (a file on disk or bytes in memory), with the limits
 * that keep hostile archives bounded: entry count, bytes per entry and bytes over the archive.
 *
 *   const zip = await ZipArchive.open(memoryByteSource(bytes), { ...DEFAULT_ZIP_LIMITS, maxEntries: 1000 })
 *   for await (const entry of zip.entries()) if (entry.name === 'META-INF/MANIFEST.MF') await zip.read(entry)
 *
 * All failures are `ZipError`s. Entry names are data: nothing here touches the filesystem by
 * name, and callers must not either.
 */
import type { ByteSource } from './byte-source.ts'
import { type CentralDirectory, type ZipEntry, readCentralDirectoryLocation, walkCentralDirectory } from './central-directory.ts'
import { readEntryData } from './read-entry.ts'
import { ZipError } from './zip-error.ts'

export interface ZipLimits {
  /** Entries in the central directory, directories included; more is `LIMIT_EXCEEDED` at open. */
  readonly maxEntries: number
  /** Largest entry (compressed or uncompressed) `read` accepts; a lower per-call limit wins. */
  readonly maxEntryBytes: number
  /** Sum of uncompressed bytes returned by `read` over the archive's life (zip-bomb bound). */
  readonly maxTotalBytes: number
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 5_000_000,
  maxEntryBytes: 8 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024 * 1024,
}

export class ZipArchive {
  readonly #source: ByteSource
  readonly #dir: CentralDirectory
  readonly #limits: ZipLimits
  #total = 0

  private constructor(source: ByteSource, dir: CentralDirectory, limits: ZipLimits) {
    this.#source = source
    this.#dir = dir
    this.#limits = limits
  }

  /** Reads the end records; throws `NOT_A_ZIP`, `CORRUPT`, `TRUNCATED`, `UNSUPPORTED` or `LIMIT_EXCEEDED`. */
  static async open(source: ByteSource, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipArchive> {
    const dir = await readCentralDirectoryLocation(source)
    if (dir.entryCount > limits.maxEntries) {
      throw new ZipError('LIMIT_EXCEEDED', `archive has ${dir.entryCount} entries, limit is ${limits.maxEntries}`)
    }
    return new ZipArchive(source, dir, limits)
  }

  /** Entry count from the end record (directories included). */
  get entryCount(): number {
    return this.#dir.entryCount
  }

  /** Uncompressed bytes returned by `read` so far. */
  get totalRead(): number {
    return this.#total
  }

  /** File entries in central-directory order; directory entries are skipped. */
  entries(): AsyncGenerator<ZipEntry> {
    return walkCentralDirectory(this.#source, this.#dir)
  }

  /**
   * The uncompressed bytes of `entry` (from `entries()` of this archive), checked against its
   * CRC-32. `maxBytes` lowers the per-entry limit for this call. The bytes count towards
   * `maxTotalBytes`, checked before anything is inflated. Stored entries of an in-memory source
   * are returned as views into it: treat the result as read-only.
   */
  async read(entry: ZipEntry, maxBytes = this.#limits.maxEntryBytes): Promise<Uint8Array> {
    const limit = Math.min(maxBytes, this.#limits.maxEntryBytes)
    if (entry.size <= limit && this.#total + entry.size > this.#limits.maxTotalBytes) {
      throw new ZipError('LIMIT_EXCEEDED', `archive expands beyond ${this.#limits.maxTotalBytes} bytes`)
    }
    const data = await readEntryData(this.#source, entry, limit, this.#dir.offset)
    this.#total += data.byteLength
    return data
  }
}
