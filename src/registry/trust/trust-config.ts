/**
 * The `trust` section of the config file (docs/configuration.md):
 *
 *   "trust": { "namespaces": {
 *     "team-a": ["-----BEGIN PUBLIC KEY-----\n…", { "file": "keys/team-a.pub" }],
 *     "*": [{ "file": "/etc/drydock/release.pub" }] } }
 *
 * Keys are PEM public keys (ECDSA P-256), inline or read from a file (a relative path is taken
 * from the config file's directory). Everything is read and parsed at start-up, so a bad key or
 * a missing file stops `drydock serve` with a message naming the namespace, not the first pull.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { isRepositoryName } from '../../oci/reference.ts'
import { createTrustPolicy, type TrustPolicyConfig } from '../../trust/policy/trust-policy.ts'

export type TrustConfig = TrustPolicyConfig

/** A PEM public key is a few hundred bytes; anything this large is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024
const MAX_KEYS_PER_NAMESPACE = 64

/** Parses `trust.namespaces` from the file; `baseDir` resolves relative key files. Throws Error. */
export function trustConfig(raw: unknown, baseDir: string): TrustConfig {
  if (raw === undefined) return { namespaces: {} }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('trust.namespaces must be an object')
  const namespaces: Record<string, string[]> = {}
  for (const [ns, list] of Object.entries(raw)) {
    const what = `trust.namespaces["${ns.slice(0, 100)}"]`
    if (ns !== '*' && !isRepositoryName(ns.replace(/\/+$/, ''))) throw new Error(`${what}: not a repository namespace (use a name prefix like "team-a" or "*")`)
    if (!Array.isArray(list)) throw new Error(`${what} must be a list of PEM public keys or {"file": PATH}`)
    if (list.length > MAX_KEYS_PER_NAMESPACE) throw new Error(`${what}: more than ${MAX_KEYS_PER_NAMESPACE} keys`)
    namespaces[ns] = list.map((entry: unknown, i) => keyPem(entry, baseDir, `${what}[${i}]`))
  }
  // Parse every key now, one at a time, so the message names the namespace and entry.
  for (const [ns, pems] of Object.entries(namespaces)) {
    pems.forEach((pem, i) => {
      try {
        createTrustPolicy({ namespaces: { [ns]: [pem] } })
      } catch (err) {
        throw new Error(`trust.namespaces["${ns}"][${i}]: ${(err as Error).message}`)
      }
    })
  }
  return { namespaces }
}

function keyPem(entry: unknown, baseDir: string, what: string): string {
  if (typeof entry === 'string' && entry.includes('-----BEGIN')) return entry
  const file = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as { file?: unknown }).file : undefined
  if (typeof file !== 'string' || file === '') throw new Error(`${what} must be a PEM public key or {"file": PATH}`)
  const path = isAbsolute(file) ? file : resolve(baseDir, file)
  return readSmallFile(path, what)
}

function readSmallFile(path: string, what: string): string {
  let fd: number
  try {
    // O_NONBLOCK: opening a FIFO named as a key file must not hang start-up.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (err) {
    throw new Error(`${what}: cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new Error(`${what}: key file ${path} is not a regular file`)
    const size = st.size
    if (size > MAX_KEY_FILE_BYTES) throw new Error(`${what}: key file ${path} is too large to be a public key`)
    const buf = Buffer.alloc(size)
    const n = readSync(fd, buf, 0, size, 0)
    return buf.subarray(0, n).toString('utf8')
  } finally {
    closeSync(fd)
  }
}
