/**
 * The `metrics` settings (docs/metrics.md "Access"): whether GET /metrics exists, and who may read
 * it. `auth` is `off` (default: open, the exposition holds nothing sensitive), `token` (a bearer
 * token from `metrics.tokenFile` / DRYDOCK_METRICS_TOKEN_FILE or DRYDOCK_METRICS_TOKEN), `admin` (a
 * registry administrator's credentials, as for /api/v1) or `token,admin` (either). The token
 * never comes from a flag (it would show in `ps`) and is held by MetricsToken, which compares in
 * constant time and never prints it.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'

/** Shortest bearer token accepted: a guessable token would open the endpoint it is meant to close. */
export const MIN_TOKEN_LENGTH = 16

export class MetricsToken {
  readonly #digest: Buffer

  constructor(value: string) {
    this.#digest = createHash('sha256').update(value).digest()
  }

  /** Constant-time comparison (of SHA-256 digests, so the lengths never differ). */
  matches(candidate: string): boolean {
    return timingSafeEqual(this.#digest, createHash('sha256').update(candidate).digest())
  }

  toJSON(): string {
    return '[redacted]'
  }

  toString(): string {
    return '[redacted]'
  }
}

export interface MetricsConfig {
  /** Serve GET /metrics and count; false: no route, nothing counted. */
  readonly enabled: boolean
  readonly auth: {
    /** A bearer token that may read /metrics. */
    readonly token?: MetricsToken
    /** A registry admin's credentials (Basic or Bearer PAT, with `admin` on `*`) may read /metrics. */
    readonly admin: boolean
  }
}

export const DEFAULT_METRICS: MetricsConfig = { enabled: true, auth: { admin: false } }

export interface RawMetricsSettings {
  readonly enabled?: unknown
  /** `off`, `token`, `admin`, `token,admin`, or a list of `token` / `admin` (file). */
  readonly auth?: unknown
  readonly tokenFile?: unknown
}

function modes(raw: unknown): Set<'token' | 'admin'> {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : undefined
  if (list === undefined) throw new Error(`metrics auth: must be off, token, admin or token,admin, not ${JSON.stringify(raw)}`)
  const out = new Set<'token' | 'admin'>()
  for (const m of list) {
    if (m === 'off' && list.length === 1) continue
    if (m !== 'token' && m !== 'admin') throw new Error(`metrics auth: must be off, token, admin or token,admin, not ${JSON.stringify(raw)}`)
    out.add(m)
  }
  return out
}

function tokenFrom(file: unknown, env: NodeJS.ProcessEnv): string | undefined {
  const inline = env['DRYDOCK_METRICS_TOKEN']
  if (file !== undefined && inline !== undefined && inline !== '') throw new Error('metrics token: set DRYDOCK_METRICS_TOKEN or metrics.tokenFile, not both')
  if (file === undefined) return inline === '' ? undefined : inline
  if (typeof file !== 'string' || file === '') throw new Error('metrics token file must be a non-empty string')
  let text: string
  try {
    if (statSync(file).size > 4096) throw new Error('larger than 4 KiB')
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error(`metrics token file ${file}: ${(err as Error).message}`)
  }
  // A file written by `echo` ends with a newline that is not part of the token.
  return text.trim()
}

export function metricsConfig(raw: RawMetricsSettings, env: NodeJS.ProcessEnv): MetricsConfig {
  const { enabled, auth, tokenFile } = raw
  if (enabled !== undefined && enabled !== true && enabled !== false && enabled !== 'true' && enabled !== 'false') {
    throw new Error(`metrics enabled: must be true or false, not ${JSON.stringify(enabled)}`)
  }
  const wanted = auth === undefined ? new Set<'token' | 'admin'>() : modes(auth)
  const token = tokenFrom(tokenFile, env)
  if (wanted.has('token')) {
    if (token === undefined) throw new Error('metrics auth "token" needs a token: metrics.tokenFile (--metrics-token-file) or DRYDOCK_METRICS_TOKEN')
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) throw new Error(`metrics token: at least ${MIN_TOKEN_LENGTH} characters, no spaces`)
  } else if (token !== undefined) {
    throw new Error('a metrics token is set but metrics auth does not include "token" (set metrics.auth to token or token,admin)')
  }
  return {
    enabled: enabled === undefined ? DEFAULT_METRICS.enabled : enabled === true || enabled === 'true',
    auth: { admin: wanted.has('admin'), ...(wanted.has('token') && token !== undefined ? { token: new MetricsToken(token) } : {}) },
  }
}
