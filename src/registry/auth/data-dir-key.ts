/**
 * A random key kept in a file of the data dir (created 0600 on first use, never logged), for
 * secrets that must survive a restart but live nowhere else: a key of each use in its own file,
 * so one leaking or being rotated (deleting the file) never touches another.
 */
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'

/** Loads the key at `path` once (creating it when missing); throws when the file has the wrong size. */
export function dataDirKey(path: string, bytes = 32): () => Promise<Buffer> {
  let key: Promise<Buffer> | undefined
  return () => (key ??= readOrCreate(path, bytes))
}

async function readOrCreate(path: string, bytes: number): Promise<Buffer> {
  try {
    // `wx`: never overwrite a key another process created first.
    await writeFile(path, randomBytes(bytes), { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const key = await readFile(path)
  if (key.length !== bytes) throw new Error(`${path} is damaged: expected a ${bytes}-byte key`)
  return key
}
