/**
 * Drydock's own credential store, written by `drydock login`: `credentials.json` in
 * `$XDG_CONFIG_HOME/drydock` (or `~/.config/drydock`), in docker's `auths` shape. The directory
 * is 0700 and the file 0600 (both re-tightened on every write); a write goes to a temporary file
 * in the same directory, created 0600, then renamed over the old one, so a crash never leaves a
 * half-written or briefly world-readable file.
 */
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { entryFor, hostOfKey, readAuthFile, secretOfEntry, type AuthEntry } from './auth-files.ts'
import type { StoredSecret } from './credential-helper.ts'

export function drydockConfigDir(env: NodeJS.ProcessEnv): string {
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'drydock')
}

export function credentialFilePath(env: NodeJS.ProcessEnv): string {
  return join(drydockConfigDir(env), 'credentials.json')
}

export async function fileGet(host: string, env: NodeJS.ProcessEnv): Promise<StoredSecret | undefined> {
  const file = await readAuthFile(credentialFilePath(env))
  const entry = file ? entryFor(file, host) : undefined
  return entry ? secretOfEntry(entry) : undefined
}

async function update(env: NodeJS.ProcessEnv, change: (auths: Record<string, AuthEntry>) => void): Promise<void> {
  const dir = drydockConfigDir(env)
  const path = credentialFilePath(env)
  const auths: Record<string, AuthEntry> = { ...((await readAuthFile(path))?.auths ?? {}) }
  change(auths)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  const tmp = join(dir, `.credentials.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(tmp, `${JSON.stringify({ auths }, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
    await rename(tmp, path)
  } finally {
    await rm(tmp, { force: true })
  }
  await chmod(path, 0o600)
}

export async function fileStore(host: string, s: StoredSecret, env: NodeJS.ProcessEnv): Promise<void> {
  await update(env, (auths) => {
    for (const key of Object.keys(auths)) if (hostOfKey(key) === host) delete auths[key]
    auths[host] = s.identityToken !== undefined
      ? { identitytoken: s.identityToken, ...(s.username ? { auth: Buffer.from(`${s.username}:`).toString('base64') } : {}) }
      : { auth: Buffer.from(`${s.username}:${s.password}`).toString('base64') }
  })
}

/** True when there was an entry to remove. */
export async function fileErase(host: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const file = await readAuthFile(credentialFilePath(env))
  if (!file || !Object.keys(file.auths ?? {}).some((k) => hostOfKey(k) === host)) return false
  await update(env, (auths) => {
    for (const key of Object.keys(auths)) if (hostOfKey(key) === host) delete auths[key]
  })
  return true
}
