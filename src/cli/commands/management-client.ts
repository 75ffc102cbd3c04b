/**
 * What the access-control commands (user, org, team, robot, token, login-password, audit) share:
 * where the registry is and who we are, and a small JSON client for its management API
 * (/api/v1, docs/api.md). Credentials come from flags or the environment, never from argv
 * for secrets: DRYDOCK_PASSWORD or DRYDOCK_TOKEN, or `--password-stdin`.
 *   --registry URL   [DRYDOCK_REGISTRY]   e.g. https://registry.example.com
 *   --username NAME  [DRYDOCK_USERNAME]
 */
import { EXIT, ExitError, UsageError } from '../exit-codes.ts'

export interface Connection {
  readonly registry: string
  readonly authorization: string
}

export const CONNECTION_HELP = `Connection (environment variable in brackets):
  --registry URL       the Drydock server [DRYDOCK_REGISTRY]
  --username NAME      your user name [DRYDOCK_USERNAME]
  --password-stdin     read the password (or a token) from standard input
  Secrets come from DRYDOCK_PASSWORD, DRYDOCK_TOKEN (a personal access token) or --password-stdin.
`

export const CONNECTION_OPTIONS = {
  registry: { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
} as const

export async function readStdin(limit = 4096): Promise<string> {
  let data = ''
  for await (const chunk of process.stdin) {
    data += String(chunk)
    if (data.length > limit) throw new UsageError('standard input too large for a secret')
  }
  return data.replace(/\r?\n$/, '')
}

export async function connect(values: { registry?: string | undefined; username?: string | undefined; 'password-stdin'?: boolean | undefined }, env = process.env): Promise<Connection> {
  const registry = (values.registry ?? env['DRYDOCK_REGISTRY'] ?? '').replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]+$/.test(registry)) throw new UsageError('--registry URL (or DRYDOCK_REGISTRY) is required, e.g. https://registry.example.com')
  const username = values.username ?? env['DRYDOCK_USERNAME']
  const secret = values['password-stdin'] ? await readStdin() : env['DRYDOCK_PASSWORD'] ?? env['DRYDOCK_TOKEN']
  if (!secret) throw new UsageError('no credentials: set DRYDOCK_PASSWORD or DRYDOCK_TOKEN, or use --password-stdin')
  if (username) return { registry, authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` }
  if (env['DRYDOCK_TOKEN'] !== undefined || /^dd[pl]_/.test(secret)) return { registry, authorization: `Bearer ${secret}` }
  throw new UsageError('--username (or DRYDOCK_USERNAME) is required with a password')
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
    throw new ExitError(`${method} ${path} failed (${res.status}): ${message}`, res.status === 400 ? EXIT.usage : EXIT.violation)
  }
  if (text === '') return {} as T
  return (res.headers.get('content-type')?.includes('application/json') ? JSON.parse(text) : text) as T
}

export function print(value: unknown): void {
  process.stdout.write(typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`)
}

/** `30d`, `12h`, `90m` → seconds. */
export function parseExpiresIn(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const m = /^(\d+)([mhd])$/.exec(raw)
  if (!m) throw new UsageError(`invalid --expires '${raw}' (e.g. 90m, 12h, 30d)`)
  return Number(m[1]) * { m: 60, h: 3600, d: 86400 }[m[2] as 'm' | 'h' | 'd']
}
