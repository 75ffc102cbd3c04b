/** OSV records from a zip archive in osv.dev's per-ecosystem `all.zip` format (one record per `*.json` entry). */
import { openFileByteSource } from '../../archive/zip/byte-source.ts'
import { assertSupported, exceedsLimit } from '../../archive/zip/read-entry.ts'
import { DEFAULT_ZIP_LIMITS, ZipArchive } from '../../archive/zip/zip-archive.ts'
import { MAX_RECORD_BYTES } from './directory-source.ts'
import type { SourceEntry } from './import-records.ts'

const decoder = new TextDecoder('utf-8')

/** Any ZipError (corrupt, truncated, encrypted, over a limit) aborts the import; oversized records are rejected one by one. */
export async function* readOsvZip(path: string): AsyncGenerator<SourceEntry> {
  const source = await openFileByteSource(path)
  try {
    const zip = await ZipArchive.open(source, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: MAX_RECORD_BYTES })
    for await (const entry of zip.entries()) {
      // An export with encrypted or oddly compressed members is not one we trust, whatever the name.
      assertSupported(entry)
      if (!entry.name.endsWith('.json')) continue
      if (exceedsLimit(entry, MAX_RECORD_BYTES)) {
        yield { name: entry.name, rejected: `record of ${Math.max(entry.size, entry.compressedSize)} bytes exceeds ${MAX_RECORD_BYTES}` }
      } else {
        yield { name: entry.name, content: decoder.decode(await zip.read(entry)) }
      }
    }
  } finally {
    await source.close()
  }
}
