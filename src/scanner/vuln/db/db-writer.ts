/**
 * Writes the advisory database atomically: every update works on a copy in the same directory
 * (so incremental imports see what is already there), and only a fully successful update is
 * renamed over the old file. A failed or interrupted import deletes its copy; readers keep
 * using the previous database throughout (rename(2) swaps the inode, open handles stay valid).
 */
import { randomBytes } from 'node:crypto'
import { copyFile, rename, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import type { OsvRecord } from '../osv.ts'
import type { CveSeverity, DataSourceInfo } from './advisory-provider.ts'
import { normalizePackageName } from './package-name.ts'
import { SCHEMA_DDL, SCHEMA_VERSION } from './schema.ts'

export type PutOutcome = 'inserted' | 'updated' | 'unchanged'

export interface UpdateOptions {
  /** Clock for `built_at`; injected so tests are deterministic. */
  readonly now?: () => Date
}

/** Write access to the database copy being built; only valid inside updateAdvisoryDb's callback. */
export class AdvisoryDbWriter {
  readonly #db: DatabaseSync
  readonly now: () => Date

  constructor(db: DatabaseSync, now: () => Date) {
    this.#db = db
    this.now = now
  }

  /**
   * Stores a validated record. Incremental: a record whose `modified` is not newer than the stored
   * one is left alone ('unchanged'), so re-importing the same feed is cheap and idempotent.
   */
  put(record: OsvRecord, source: string): PutOutcome {
    const db = this.#db
    const old = db.prepare('SELECT modified FROM advisories WHERE id = ?').get(record.id) as { modified: string } | undefined
    if (old !== undefined && Date.parse(old.modified) >= Date.parse(record.modified)) return 'unchanged'
    if (old !== undefined) {
      db.prepare('DELETE FROM affected WHERE id = ?').run(record.id)
      db.prepare('DELETE FROM aliases WHERE id = ?').run(record.id)
    }
    db.prepare('INSERT OR REPLACE INTO advisories (id, modified, withdrawn, source, json) VALUES (?, ?, ?, ?, ?)')
      .run(record.id, record.modified, record.withdrawn ?? null, source, JSON.stringify(record))
    const addAffected = db.prepare('INSERT INTO affected (ecosystem, name, id) VALUES (?, ?, ?)')
    const seen = new Set<string>()
    for (const a of record.affected ?? []) {
      if (a.package === undefined) continue
      const name = normalizePackageName(a.package.ecosystem, a.package.name)
      const key = `${a.package.ecosystem}\u0000${name}`
      if (seen.has(key)) continue
      seen.add(key)
      addAffected.run(a.package.ecosystem, name, record.id)
    }
    const addAlias = db.prepare('INSERT OR IGNORE INTO aliases (alias, id) VALUES (?, ?)')
    for (const alias of [...(record.aliases ?? []), ...(record.upstream ?? [])]) addAlias.run(alias, record.id)
    return old === undefined ? 'inserted' : 'updated'
  }

  putCveSeverity(s: CveSeverity): void {
    this.#db.prepare('INSERT OR REPLACE INTO cve_severity (cve, source, type, value) VALUES (?, ?, ?, ?)')
      .run(s.cve, s.source, s.type, s.value)
  }

  recordSource(info: DataSourceInfo): void {
    this.#db.prepare('INSERT OR REPLACE INTO sources (name, kind, location, imported_at, records, rejected) VALUES (?, ?, ?, ?, ?, ?)')
      .run(info.name, info.kind, info.location, info.importedAt, info.records, info.rejected)
  }
}

function storedSchemaVersion(db: DatabaseSync): number | undefined {
  const t = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get()
  if (t === undefined) return undefined
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined
  return row === undefined ? undefined : Number(row.value)
}

/**
 * Runs `fn` against a copy of the database at `path` (created when missing) and atomically
 * replaces `path` with the result. If `fn` throws, `path` is untouched and the error is rethrown.
 * A database with another schema version is rebuilt from scratch rather than migrated.
 */
export async function updateAdvisoryDb<T>(
  path: string,
  fn: (writer: AdvisoryDbWriter) => Promise<T>,
  options: UpdateOptions = {},
): Promise<T> {
  const now = options.now ?? (() => new Date())
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`
  if (existsSync(path)) await copyFile(path, tmp)
  let db: DatabaseSync | undefined
  try {
    db = new DatabaseSync(tmp)
    const version = storedSchemaVersion(db)
    if (version !== undefined && version !== SCHEMA_VERSION) {
      db.close()
      await rm(tmp, { force: true })
      db = new DatabaseSync(tmp)
    }
    db.exec(SCHEMA_DDL)
    db.exec('BEGIN')
    const result = await fn(new AdvisoryDbWriter(db, now))
    const setMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
    setMeta.run('schema_version', String(SCHEMA_VERSION))
    setMeta.run('built_at', now().toISOString())
    db.exec('COMMIT')
    db.close()
    db = undefined
    await rename(tmp, path)
    return result
  } catch (err) {
    if (db?.isOpen === true) db.close()
    await rm(tmp, { force: true })
    await rm(`${tmp}-journal`, { force: true })
    throw err
  }
}
