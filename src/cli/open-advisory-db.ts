/**
 * Opens the local advisory DB for `drydock scan`. A missing or unreadable DB is a usage error
 * (exit 2) whose message names the command that fixes it; data older than `maxAgeDays` still
 * scans but yields a warning, since an old DB silently misses new advisories.
 */
import { existsSync } from 'node:fs'
import { AdvisoryDbError, SqliteAdvisoryProvider } from '../scanner/vuln/db/sqlite-provider.ts'
import { describeAge } from '../scanner/report/data-age.ts'
import { EXIT, ExitError } from './exit-codes.ts'

export const DEFAULT_MAX_DB_AGE_DAYS = 7

const FIX = "run 'drydock db update' (downloads from the OSV mirror) or 'drydock db import PATH' (offline)"

export interface OpenedDb {
  readonly provider: SqliteAdvisoryProvider
  /** Set when the data is older than allowed. */
  readonly staleWarning?: string
}

export function openAdvisoryDb(file: string, maxAgeDays: number, now: Date): OpenedDb {
  if (!existsSync(file)) throw new ExitError(`no advisory database at ${file}: ${FIX}`, EXIT.usage)
  let provider: SqliteAdvisoryProvider
  try {
    provider = new SqliteAdvisoryProvider(file)
  } catch (err) {
    if (err instanceof AdvisoryDbError) throw new ExitError(`${err.message}: ${FIX}`, EXIT.usage)
    throw err
  }
  const updated = provider.updatedAt
  if (updated === undefined) {
    provider.close()
    throw new ExitError(`the advisory database at ${file} is empty: ${FIX}`, EXIT.usage)
  }
  const ageMs = now.getTime() - Date.parse(updated)
  if (ageMs > maxAgeDays * 86_400_000) {
    return { provider, staleWarning: `the advisory database is ${describeAge(updated, now)} old (updated ${updated}, limit ${maxAgeDays} days): ${FIX}` }
  }
  return { provider }
}
