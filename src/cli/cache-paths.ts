/**
 * Where the CLI keeps its data by default: `$DRYDOCK_CACHE_DIR`, else `~/.cache/drydock`
 * (`$XDG_CACHE_HOME/drydock` when set). The advisory DB lives in `<cache>/db/advisories.db`, the
 * layer cache in `<cache>/layers/`. `--db DIR` and `--cache-dir DIR` override them.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const DB_FILE_NAME = 'advisories.db'

export function defaultCacheDir(): string {
  const env = process.env['DRYDOCK_CACHE_DIR']
  if (env !== undefined && env !== '') return resolve(env)
  const xdg = process.env['XDG_CACHE_HOME']
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'drydock')
}

/** The directory holding the advisory DB: `--db DIR`, else `<cache>/db`. */
export function dbDir(flag: string | undefined): string {
  return flag !== undefined ? resolve(flag) : join(defaultCacheDir(), 'db')
}

export function dbFile(flag: string | undefined): string {
  return join(dbDir(flag), DB_FILE_NAME)
}
