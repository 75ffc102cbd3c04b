/**
 * What the access-control commands (user, org, team, robot, token, login-password, audit) share:
 * where the registry is, who we are (the one credential resolver, README "Credentials"), a small
 * JSON client for the management API (/api/v1, docs/api.md), and the output: a table by
 * default, JSON with `--format json`.
 *   --registry URL   [DRYDOCK_REGISTRY]   e.g. https://registry.example.com
 */
import { EXIT, ExitError, UsageError } from '../exit-codes.ts'
import { apiAuthorization, CREDENTIAL_OPTIONS, CREDENTIALS_HELP, resolveCredential } from '../credentials/resolve-credentials.ts'
import { answerTable } from '../output/table.ts'

export interface Connection {
  readonly registry: string
  readonly authorization: string
  /** Where the credentials came from (for messages; never the secret). */
  readonly source: string
}

export const CONNECTION_HELP = `Connection:
  --registry URL       the Drydock server [DRYDOCK_REGISTRY]
  --format FORMAT      table (default) or json
${CREDENTIALS_HELP}`

export const CONNECTION_OPTIONS = {
  registry: { type: 'string' },
  format: { type: 'string' },
  ...CREDENTIAL_OPTIONS,
} as const

export async function connect(values: { registry?: string | undefined; username?: string | undefined; 'password-stdin'?: boolean | undefined }, env = process.env): Promise<Connection> {
  const registry = (values.registry ?? env['DRYDOCK_REGISTRY'] ?? '').replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]+$/.test(registry)) throw new UsageError('--registry URL (or DRYDOCK_REGISTRY) is required, e.g. https://registry.example.com')
  const host = new URL(registry).host
  const credential = await resolveCredential(host, values, env, { registryNamedByUrl: true })
  if (!credential) {
    throw new ExitError(`no credentials for ${host}: run 'drydock login ${host}', or set DRYDOCK_USERNAME and DRYDOCK_PASSWORD (or DRYDOCK_TOKEN)`, EXIT.unauthorized)
  }
  return { registry, authorization: apiAuthorization(credential), source: credential.source }
}

/** A failed API answer's exit code: refused credentials 4, server failure 3, anything else the caller's input (2). */
export function exitCodeOfStatus(status: number): number {
  if (status === 401 || status === 403 || status === 429) return EXIT.unauthorized
  if (status >= 500) return EXIT.unreachable
  return EXIT.usage
}

/** Calls the API; resolves with the parsed JSON (or raw text for non-JSON answers). */
export async function call<T = Record<string, unknown>>(c: Connection, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(`${c.registry}${path}`, {
      method,
      headers: { authorization: c.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'error',
    })
  } catch (err) {
    throw new ExitError(`cannot reach ${c.registry}: ${(err as Error).message}`, EXIT.unreachable)
  }
  const text = await res.text()
  if (!res.ok) {
    let message = text.slice(0, 300)
    try {
      message = (JSON.parse(text) as { errors: Array<{ code: string; message: string }> }).errors.map((e) => `${e.code}: ${e.message}`).join('; ')
    } catch {
      // not an error envelope: show the raw text
    }
    const refused = res.status === 401 || res.status === 403 ? ` (credentials from ${c.source})` : ''
    throw new ExitError(`${method} ${path} failed (${res.status}): ${message}${refused}`, exitCodeOfStatus(res.status))
  }
  if (text === '') return {} as T
  return (res.headers.get('content-type')?.includes('application/json') ? JSON.parse(text) : text) as T
}

/** `--format`: table (default) or json; `extra` adds a command's own formats (audit's jsonl). */
export function outputFormat(raw: string | undefined, extra: readonly string[] = []): string {
  const format = raw ?? 'table'
  const known = ['table', 'json', ...extra]
  if (!known.includes(format)) throw new UsageError(`--format must be ${known.join(', ')}`)
  return format
}

export function print(value: unknown, format = 'table'): void {
  if (format === 'table') process.stdout.write(answerTable(value))
  else process.stdout.write(typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`)
}

/** `30d`, `12h`, `90m` → seconds. */
export function parseExpiresIn(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const m = /^(\d+)([mhd])$/.exec(raw)
  if (!m) throw new UsageError(`invalid --expires '${raw}' (e.g. 90m, 12h, 30d)`)
  return Number(m[1]) * { m: 60, h: 3600, d: 86400 }[m[2] as 'm' | 'h' | 'd']
}
