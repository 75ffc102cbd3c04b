/**
 * Registry authentication, as the distribution spec and Docker's token protocol describe it:
 * a 401 carries `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`; the client asks the
 * realm for a token and retries with `Authorization: Bearer <token>`. The realm is asked with
 * Basic credentials (GET), or, for an identity token (what `docker login` stores for registries
 * that issue refresh tokens), with the OAuth2 refresh grant (POST). A `Basic` challenge is
 * answered with the credentials directly. Where credentials come from is the caller's business
 * (the CLI's resolver, src/cli/credentials/). Credentials are never logged and never sent over
 * plain http to a non-loopback host.
 */

export interface RegistryCredentials {
  readonly username: string
  /** A password, personal access token or robot secret; empty when `identityToken` is used. */
  readonly password: string
  /** An OAuth2 refresh token (docker's `identitytoken`), exchanged at the realm instead of a password. */
  readonly identityToken?: string
  /** The client_id the identity token was issued to (docker's is `docker`). */
  readonly clientId?: string
}

/** The client_id `docker login` binds its refresh tokens to. */
export const DOCKER_CLIENT_ID = 'docker'

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

export type TokenAnswer = { readonly token: string } | { readonly refusedStatus: number }

/**
 * Asks a Bearer realm for a registry token. With an identity token: `POST` of the OAuth2
 * refresh grant; otherwise `GET` with Basic credentials (or anonymously). A refusal is returned
 * (its HTTP status), a network failure rejects; the token is never logged.
 */
export async function requestToken(
  realm: URL, service: string | undefined, scope: string | undefined, credentials: RegistryCredentials | undefined, signal?: AbortSignal,
): Promise<TokenAnswer> {
  const url = new URL(realm)
  let init: RequestInit
  if (credentials?.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: credentials.clientId ?? DOCKER_CLIENT_ID })
    if (service) form.set('service', service)
    if (scope) form.set('scope', scope)
    init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }
  } else {
    if (service) url.searchParams.set('service', service)
    if (scope) url.searchParams.set('scope', scope)
    init = { method: 'GET', headers: credentials ? { authorization: basicHeader(credentials) } : {} }
  }
  const res = await fetch(url, { ...init, redirect: 'error', ...(signal ? { signal } : {}) })
  if (!res.ok) {
    await res.body?.cancel()
    return { refusedStatus: res.status }
  }
  const body = (await res.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown }
  const token = typeof body.token === 'string' ? body.token : body.access_token
  return typeof token === 'string' && token !== '' ? { token } : { refusedStatus: res.status }
}
