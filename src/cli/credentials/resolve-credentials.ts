/**
 * The one place every registry-facing command gets its credentials from (README "Credentials").
 * For a registry host, the first source that has something wins:
 *   1. flags: `--username` with `--password-stdin`;
 *   2. environment: DRYDOCK_USERNAME with DRYDOCK_PASSWORD or DRYDOCK_TOKEN (DRYDOCK_TOKEN alone:
 *      a Bearer personal access token, for the management API only). They are for one registry
 *      and never go to another: DRYDOCK_REGISTRY's host, or, when it is unset, the registry a
 *      command names by URL (`--registry`, `--from-registry`) — not the host of an IMAGE, which
 *      could be any public registry (`drydock scan alpine` must not send them to Docker Hub);
 *   3. `drydock login` (credential-file.ts);
 *   4. docker's config.json: its credential helper for the host (`credHelpers`, `credsStore`),
 *      else `auths` (an `identitytoken` is preferred to a password, as docker does);
 *   5. podman's auth.json files.
 * The result names its source (for messages) and never goes to a log. A username given on its
 * own (flag or environment) keeps stored credentials of other users from being used.
 */
import { EXIT, ExitError, UsageError } from '../exit-codes.ts'
import { dockerConfigPath, entryFor, helperFor, podmanAuthPaths, readAuthFile, secretOfEntry } from './auth-files.ts'
import { credentialFilePath, fileGet } from './credential-file.ts'
import { helperGet, type StoredSecret } from './credential-helper.ts'
import { DOCKER_CLIENT_ID, type RegistryCredentials } from '../../scanner/image/remote/registry-auth.ts'

export type Credential =
  | { readonly kind: 'password'; readonly username: string; readonly password: string; readonly source: string }
  | { readonly kind: 'identity-token'; readonly username: string; readonly identityToken: string; readonly source: string }
  | { readonly kind: 'bearer-token'; readonly token: string; readonly source: string }

export interface CredentialFlags {
  readonly username?: string | undefined
  readonly 'password-stdin'?: boolean | undefined
}

export interface ResolveOptions {
  /** The host was given as the registry's URL (`--registry`, `--from-registry`), not taken from an image reference. */
  readonly registryNamedByUrl?: boolean
}

/** Options every registry-facing command accepts (management commands add --registry). */
export const CREDENTIAL_OPTIONS = {
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
} as const

export const CREDENTIALS_HELP = `Credentials (first found wins; README "Credentials"):
  --username NAME with --password-stdin; DRYDOCK_USERNAME with DRYDOCK_PASSWORD or DRYDOCK_TOKEN
  (sent only to DRYDOCK_REGISTRY's host, or to --registry/--from-registry when it is unset);
  'drydock login HOST'; docker's config.json (credential helpers, identity tokens); podman's auth.json.
`

export async function readStdinSecret(limit = 4096): Promise<string> {
  let data = ''
  for await (const chunk of process.stdin) {
    data += String(chunk)
    if (data.length > limit) throw new UsageError('standard input too large for a secret')
  }
  return data.replace(/\r?\n$/, '')
}

function fromStored(s: StoredSecret, source: string): Credential {
  return s.identityToken !== undefined
    ? { kind: 'identity-token', username: s.username, identityToken: s.identityToken, source }
    : { kind: 'password', username: s.username, password: s.password, source }
}

function envAppliesTo(host: string, env: NodeJS.ProcessEnv, registryNamedByUrl: boolean): boolean {
  const registry = env['DRYDOCK_REGISTRY']
  if (!registry) return registryNamedByUrl
  try {
    return new URL(registry).host.toLowerCase() === host.toLowerCase()
  } catch {
    return registry.toLowerCase() === host.toLowerCase()
  }
}

function secretCredential(username: string | undefined, secret: string, source: string, tokenHint: boolean): Credential {
  if (username) return { kind: 'password', username, password: secret, source }
  if (tokenHint || /^dd[pl]_/.test(secret)) return { kind: 'bearer-token', token: secret, source }
  throw new UsageError(`a password needs a user name: add --username NAME or set DRYDOCK_USERNAME`)
}

/** Looks in the stored sources (3 to 5) for `host`. */
async function storedCredential(host: string, env: NodeJS.ProcessEnv): Promise<Credential | undefined> {
  const own = await fileGet(host, env)
  if (own) return fromStored(own, `drydock login (${credentialFilePath(env)})`)
  const dockerPath = dockerConfigPath(env)
  const docker = await readAuthFile(dockerPath)
  if (docker) {
    const helper = helperFor(docker, host)
    const viaHelper = helper ? await helperGet(helper, host) : undefined
    if (viaHelper) return fromStored(viaHelper, `docker credential helper docker-credential-${helper}`)
    const entry = entryFor(docker, host)
    const s = entry ? secretOfEntry(entry) : undefined
    if (s) return fromStored(s, `docker config (${dockerPath})`)
  }
  for (const path of podmanAuthPaths(env)) {
    const file = await readAuthFile(path)
    const entry = file ? entryFor(file, host) : undefined
    const s = entry ? secretOfEntry(entry) : undefined
    if (s) return fromStored(s, `podman auth file (${path})`)
  }
  return undefined
}

/** The credentials for `host` (host[:port]); undefined when no source has any. */
export async function resolveCredential(
  host: string, flags: CredentialFlags = {}, env: NodeJS.ProcessEnv = process.env, opts: ResolveOptions = {},
): Promise<Credential | undefined> {
  const useEnv = envAppliesTo(host, env, opts.registryNamedByUrl === true)
  const username = flags.username ?? (useEnv ? env['DRYDOCK_USERNAME'] || undefined : undefined)
  if (flags['password-stdin']) return secretCredential(username, await readStdinSecret(), '--password-stdin', false)
  if (useEnv) {
    const password = env['DRYDOCK_PASSWORD']
    const token = env['DRYDOCK_TOKEN']
    if (password) return secretCredential(username, password, 'DRYDOCK_PASSWORD', false)
    if (token) return secretCredential(username, token, 'DRYDOCK_TOKEN', true)
  }
  const stored = await storedCredential(host, env)
  if (stored && username !== undefined && stored.kind !== 'bearer-token' && stored.username !== '' && stored.username !== username) return undefined
  return stored
}

/**
 * What to tell a user whose registry refused an anonymous request although DRYDOCK_* credentials
 * are set: they were kept for another registry (or for none named), not forgotten.
 */
export function missingCredentialsHint(host: string, env: NodeJS.ProcessEnv = process.env): string {
  const set = env['DRYDOCK_PASSWORD'] || env['DRYDOCK_TOKEN']
  if (!set || envAppliesTo(host, env, false)) return `; run 'drydock login ${host}' or see README "Credentials"`
  return `; DRYDOCK_* credentials are sent only to DRYDOCK_REGISTRY's host: set DRYDOCK_REGISTRY=https://${host} (or run 'drydock login ${host}')`
}

/** For the OCI distribution API (/v2 and its token realm), which needs a user name with any secret. */
export function registryCredentials(c: Credential | undefined): RegistryCredentials | undefined {
  if (c === undefined) return undefined
  if (c.kind === 'password') return { username: c.username, password: c.password }
  if (c.kind === 'identity-token') return { username: c.username, password: '', identityToken: c.identityToken, clientId: DOCKER_CLIENT_ID }
  throw new UsageError(`${c.source} without a user name works for the management API only: set DRYDOCK_USERNAME to the token's owner`)
}

/** The Authorization header for Drydock's management and findings API (/api/v1). */
export function apiAuthorization(c: Credential): string {
  if (c.kind === 'password') return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`
  if (c.kind === 'bearer-token') return `Bearer ${c.token}`
  throw new ExitError(
    `the only credentials found (${c.source}) are an identity token, which the registry's API does not accept: ` +
    "run 'drydock login HOST' or set DRYDOCK_USERNAME and DRYDOCK_PASSWORD (or DRYDOCK_TOKEN)",
    EXIT.unauthorized,
  )
}
