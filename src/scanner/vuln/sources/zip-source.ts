/** OSV records from a zip archive in osv.dev's per-ecosystem `all.zip` format (one record per `*.json` entry). */
import { MAX_RECORD_BYTES } from './directory-source.ts'
import type { SourceEntry } from './import-records.ts'
import { DEFAULT_ZIP_LIMITS, readZip } from './zip-reader.ts'

export async function* readOsvZip(path: string): AsyncGenerator<SourceEntry> {
  for await (const entry of readZip(path, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: MAX_RECORD_BYTES })) {
    if (!entry.name.endsWith('.json')) continue
    if ('tooLarge' in entry) yield { name: entry.name, rejected: `record of ${entry.tooLarge} bytes exceeds ${MAX_RECORD_BYTES}` }
    else yield { name: entry.name, content: entry.data.toString('utf8') }
  }
}
