/**
 * Reads rpm's SQLite database (`var/lib/rpm/rpmdb.sqlite`, rpm >= 4.16: RHEL 9, Fedora,
 * Amazon Linux 2023, CBL-Mariner): table `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)`,
 * listed in hnum order as `rpm -qa` does.
 *
 * The bytes are opened in memory (sqlite3_deserialize via node:sqlite): nothing touches disk.
 * The copy has its header switched from WAL to rollback-journal mode (bytes 18-19), because an
 * in-memory database cannot be in WAL mode and the image's -wal file is not ours to replay.
 * SQLite reports corruption as errors, which become unknowns. node:sqlite is loaded on first
 * use only, so images without an SQLite rpmdb never load it.
 */
import type { DatabaseSync } from 'node:sqlite'
import type { DbItem } from './bdb-reader.ts'

const SQLITE_MAGIC = 'SQLite format 3\0'

export function* readRpmSqlite(file: Uint8Array): Generator<DbItem> {
  if (file.byteLength < 100 || Buffer.from(file.subarray(0, 16)).toString('latin1') !== SQLITE_MAGIC) {
    return yield { error: 'not an SQLite database' }
  }
  const copy = new Uint8Array(file)
  if (copy[18] === 2) copy[18] = 1
  if (copy[19] === 2) copy[19] = 1
  let db: DatabaseSync | undefined
  const items: DbItem[] = []
  try {
    const sqlite = process.getBuiltinModule('node:sqlite')
    db = new sqlite.DatabaseSync(':memory:')
    db.enableDefensive(true)
    db.deserialize(copy)
    for (const row of db.prepare('SELECT blob FROM Packages ORDER BY hnum').iterate()) {
      const blob = (row as { blob?: unknown }).blob
      items.push(blob instanceof Uint8Array ? { blob } : { error: 'Packages row without a blob' })
    }
  } catch (err) {
    items.push({ error: `sqlite: ${err instanceof Error ? err.message : String(err)}` })
  } finally {
    db?.close()
  }
  yield* items
}
