/** OSV records from a local directory tree: every `*.json` file below it is one record. */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { SourceEntry } from './import-records.ts'

/** Records are a few KiB; anything far larger is not an advisory and is not read into memory. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024

export async function* readOsvDirectory(dir: string): AsyncGenerator<SourceEntry> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort()
  for (const file of files) {
    const size = (await stat(file)).size
    if (size > MAX_RECORD_BYTES) {
      yield { name: file, rejected: `record larger than ${MAX_RECORD_BYTES} bytes` }
      continue
    }
    yield { name: file, content: await readFile(file, 'utf8') }
  }
}
