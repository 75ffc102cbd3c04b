/** The AdvisoryProvider over the local SQLite advisory database (read-only). */
import { DatabaseSync } from 'node:sqlite'
import type { OsvRecord } from '../osv.ts'
import type { AdvisoryProvider, CveSeverity, DataSourceInfo, PackageQuery } from './advisory-provider.ts'
import { normalizePackageName } from './package-name.ts'
import { SCHEMA_VERSION } from './schema.ts'

export class AdvisoryDbError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AdvisoryDbError'
  }
}

export class SqliteAdvisoryProvider implements AdvisoryProvider {
  readonly #db: DatabaseSync
  readonly dbVersion: number
  readonly updatedAt: string | undefined

  /** Opens the database read-only; throws AdvisoryDbError for a missing file or another schema version. */
  constructor(path: string) {
    try {
      this.#db = new DatabaseSync(path, { readOnly: true })
    } catch (err) {
      throw new AdvisoryDbError(`failed to open advisory database ${path}`, { cause: err })
    }
    const meta = this.#meta()
    this.dbVersion = Number(meta.get('schema_version') ?? NaN)
    if (this.dbVersion !== SCHEMA_VERSION) {
      this.#db.close()
      throw new AdvisoryDbError(`advisory database ${path} has schema version ${meta.get('schema_version') ?? 'none'}, expected ${SCHEMA_VERSION}`)
    }
    this.updatedAt = meta.get('built_at')
  }

  #meta(): Map<string, string> {
    try {
      const rows = this.#db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>
      return new Map(rows.map((r) => [r.key, r.value]))
    } catch {
      return new Map()
    }
  }

  async byPackage(query: PackageQuery): Promise<readonly OsvRecord[]> {
    const rows = this.#db.prepare(
      `SELECT a.json FROM affected f JOIN advisories a ON a.id = f.id
       WHERE f.ecosystem = ? AND f.name = ? ORDER BY a.id`,
    ).all(query.ecosystem, normalizePackageName(query.ecosystem, query.name)) as Array<{ json: string }>
    return rows.map((r) => JSON.parse(r.json) as OsvRecord)
  }

  async cveSeverities(cve: string): Promise<readonly CveSeverity[]> {
    return this.#db.prepare('SELECT cve, source, type, value FROM cve_severity WHERE cve = ? ORDER BY source, type')
      .all(cve) as unknown as CveSeverity[]
  }

  async dataSources(): Promise<readonly DataSourceInfo[]> {
    const rows = this.#db.prepare('SELECT name, kind, location, imported_at, records, rejected FROM sources ORDER BY name').all() as Array<{
      name: string; kind: string; location: string; imported_at: string; records: number; rejected: number
    }>
    return rows.map((r) => ({ name: r.name, kind: r.kind, location: r.location, importedAt: r.imported_at, records: r.records, rejected: r.rejected }))
  }

  /** Counts for diagnostics and tests. */
  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM advisories').get() as { n: number }).n
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close()
  }
}
