/**
 * Docker's credential-helper protocol (`docker-credential-<name> get|store|erase`): the server
 * address or a JSON record on stdin, a JSON record `{ServerURL, Username, Secret}` on stdout. A
 * Username of `<token>` means Secret is an identity token. Helpers are run with a timeout and a
 * bounded output; their output is never echoed (it holds the secret).
 */
import { spawn } from 'node:child_process'
import { UsageError } from '../exit-codes.ts'

/** A secret found or to be stored: a password (or access token), or an identity token. */
export type StoredSecret =
  | { readonly username: string; readonly password: string; readonly identityToken?: undefined }
  | { readonly username: string; readonly identityToken: string; readonly password?: undefined }

const TOKEN_USERNAME = '<token>'
const HELPER_TIMEOUT_MS = 30_000
const MAX_HELPER_OUTPUT = 64 * 1024

interface HelperRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function runHelper(name: string, action: 'get' | 'store' | 'erase', input: string): Promise<HelperRun> {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return Promise.reject(new UsageError(`invalid credential helper name '${name.slice(0, 60)}' in docker's config`))
  const bin = `docker-credential-${name}`
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [action], { stdio: ['pipe', 'pipe', 'pipe'], timeout: HELPER_TIMEOUT_MS })
    let stdout = ''
    let stderr = ''
    const cap = (s: string, d: string): string => (s.length + d.length > MAX_HELPER_OUTPUT ? s : s + d)
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = cap(stdout, d)))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = cap(stderr, d)))
    child.on('error', (err) => {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
      reject(new UsageError(missing ? `docker's config names the credential helper '${name}', but ${bin} is not on PATH` : `${bin} ${action}: ${err.message}`))
    })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.on('error', () => {}) // a helper that exits without reading stdin
    child.stdin.end(input)
  })
}

/** The helper's first line of complaint, short: it should never hold a secret, but keep it brief anyway. */
function complaint(r: HelperRun): string {
  return (r.stderr.trim() || r.stdout.trim()).split('\n')[0]?.slice(0, 200) ?? ''
}

export async function helperGet(name: string, host: string): Promise<StoredSecret | undefined> {
  const r = await runHelper(name, 'get', host)
  if (r.code !== 0) {
    if (/not found/i.test(r.stdout + r.stderr)) return undefined
    throw new UsageError(`credential helper docker-credential-${name} failed for ${host}: ${complaint(r)}`)
  }
  let rec: { Username?: unknown; Secret?: unknown }
  try {
    rec = JSON.parse(r.stdout) as typeof rec
  } catch {
    throw new UsageError(`credential helper docker-credential-${name} did not answer JSON for ${host}`)
  }
  const username = typeof rec.Username === 'string' ? rec.Username : ''
  const secret = typeof rec.Secret === 'string' ? rec.Secret : ''
  if (secret === '') return undefined
  return username === TOKEN_USERNAME ? { username: '', identityToken: secret } : { username, password: secret }
}

export async function helperStore(name: string, host: string, s: StoredSecret): Promise<void> {
  const record = s.identityToken !== undefined
    ? { ServerURL: host, Username: TOKEN_USERNAME, Secret: s.identityToken }
    : { ServerURL: host, Username: s.username, Secret: s.password }
  const r = await runHelper(name, 'store', JSON.stringify(record))
  if (r.code !== 0) throw new UsageError(`credential helper docker-credential-${name} could not store the credentials for ${host}: ${complaint(r)}`)
}

/** True when the helper had something to erase. */
export async function helperErase(name: string, host: string): Promise<boolean> {
  const r = await runHelper(name, 'erase', host)
  if (r.code === 0) return true
  if (/not found/i.test(r.stdout + r.stderr)) return false
  throw new UsageError(`credential helper docker-credential-${name} could not erase the credentials for ${host}: ${complaint(r)}`)
}
