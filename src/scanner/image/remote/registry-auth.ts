/**
 * Registry authentication, as the distribution spec and Docker's token protocol describe it:
 * a 401 carries `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`; the client asks the
 * realm for a token (with basic credentials when it has some) and retries with
 * `Authorization: Bearer <token>`. A `Basic` challenge is answered with the credentials directly.
 * Credentials come from the options or from docker's config.json `auths` (credential helpers
 * are not supported). Credentials are never logged and never sent over plain http to a
 * non-loopback host.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

export interface RegistryCredentials {
  readonly username: string
  readonly password: string
}

export interface AuthChallenge {
  readonly scheme: string
  readonly params: Readonly<Record<string, string>>
}

/** Parses one WWW-Authenticate header value: `Scheme k="v",k2=v2`. */
export function parseChallenge(header: string): AuthChallenge | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(header)
  if (!m) return undefined
  const params: Record<string, string> = {}
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/g
  for (const p of (m[2] ?? '').matchAll(re)) {
    params[(p[1] ?? '').toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1')
  }
  return { scheme: (m[1] ?? '').toLowerCase(), params }
}

export function basicHeader(c: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`
}

export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '')
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name)
}

/** Looks a registry host up in docker's config.json `auths` (keys may be URLs). */
export async function credentialsFromDockerConfig(registry: string, configPath?: string): Promise<RegistryCredentials | undefined> {
  const path = configPath ?? join(process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker'), 'config.json')
  let json: { auths?: Record<string, { auth?: string; username?: string; password?: string }> }
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as typeof json
  } catch {
    return undefined
  }
  const hostOf = (key: string): string => key.replace(/^https?:\/\//, '').replace(/\/.*$/, '')
  const wanted = registry === 'docker.io' ? new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']) : new Set([registry])
  for (const [key, entry] of Object.entries(json.auths ?? {})) {
    if (!wanted.has(hostOf(key))) continue
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password }
  }
  return undefined
}
