/**
 * The credential files other tools keep, read the way they read them: docker's config.json
 * (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`) and podman's auth.json
 * (`$REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`,
 * `$XDG_CONFIG_HOME/containers/auth.json`). Both hold `auths[host]` with `auth` (base64
 * `user:password`) and/or `identitytoken` (a refresh token `docker login` got from the registry);
 * docker's may name credential helpers (`credsStore`, `credHelpers[host]`). Drydock's own store
 * (credential-file.ts) uses the same shape.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { UsageError } from '../exit-codes.ts'
import type { StoredSecret } from './credential-helper.ts'

export interface AuthEntry {
  readonly auth?: string
  readonly username?: string
  readonly password?: string
  readonly identitytoken?: string
}

export interface AuthFile {
  readonly auths?: Record<string, AuthEntry>
  readonly credsStore?: string
  readonly credHelpers?: Record<string, string>
}

/** A credentials file is small; anything bigger is not one. */
const MAX_AUTH_FILE_BYTES = 1024 * 1024

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env['DOCKER_CONFIG'] || join(homedir(), '.docker'), 'config.json')
}

export function podmanAuthPaths(env: NodeJS.ProcessEnv): string[] {
  if (env['REGISTRY_AUTH_FILE']) return [env['REGISTRY_AUTH_FILE']]
  const paths: string[] = []
  if (env['XDG_RUNTIME_DIR']) paths.push(join(env['XDG_RUNTIME_DIR'], 'containers', 'auth.json'))
  paths.push(join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'containers', 'auth.json'))
  return paths
}

/** undefined when the file does not exist; a UsageError (naming the file, never its content) when it is not valid JSON. */
export async function readAuthFile(path: string): Promise<AuthFile | undefined> {
  let text: string
  try {
    const buf = await readFile(path)
    if (buf.byteLength > MAX_AUTH_FILE_BYTES) throw new UsageError(`${path} is larger than ${MAX_AUTH_FILE_BYTES} bytes: not a credentials file`)
    text = buf.toString('utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    if (err instanceof UsageError) throw err
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new UsageError(`${path} is not valid JSON`)
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as AuthFile) : {}
}

/** `https://host/v1/` and `host` name the same registry; docker.io has its historical aliases. */
export function hostOfKey(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase()
}

function sameRegistry(a: string, b: string): boolean {
  const hub = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])
  return a === b || (hub.has(a) && hub.has(b))
}

export function entryFor(file: AuthFile, host: string): AuthEntry | undefined {
  const wanted = host.toLowerCase()
  const auths = file.auths && typeof file.auths === 'object' ? file.auths : {}
  for (const [key, entry] of Object.entries(auths)) {
    if (sameRegistry(hostOfKey(key), wanted) && typeof entry === 'object' && entry !== null) return entry
  }
  return undefined
}

/** The credential helper docker would use for `host`: `credHelpers[host]`, else `credsStore`. */
export function helperFor(file: AuthFile, host: string): string | undefined {
  const helpers = file.credHelpers && typeof file.credHelpers === 'object' ? file.credHelpers : {}
  for (const [key, name] of Object.entries(helpers)) if (sameRegistry(hostOfKey(key), host.toLowerCase()) && typeof name === 'string' && name !== '') return name
  return typeof file.credsStore === 'string' && file.credsStore !== '' ? file.credsStore : undefined
}

/** An entry's secret: the identity token when there is one (what docker itself uses), else `auth`. */
export function secretOfEntry(entry: AuthEntry): StoredSecret | undefined {
  let username = typeof entry.username === 'string' ? entry.username : ''
  let password = typeof entry.password === 'string' ? entry.password : ''
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) {
      username = decoded.slice(0, colon)
      password = decoded.slice(colon + 1)
    }
  }
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') return { username, identityToken: entry.identitytoken }
  // An empty password is no credential: sending it would only count as a failed login.
  return username !== '' && password !== '' ? { username, password } : undefined
}
