/**
 * Shared pieces of the management API (/api/v1, docs/api.md): who is calling (Basic with a
 * password, PAT, login password or robot secret; or `Bearer <PAT>`), the permission check every
 * route makes (requirePermission → permissions.ts mayManage), input validation and JSON replies.
 * Errors are thrown as RegistryError and rendered by the one error handler, in the same envelope
 * as /v2.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { mayManage, type ManagedResource } from '../../auth/permissions.ts'
import type { Principal } from '../../auth/principal.ts'
import { parseCredential } from '../../auth/secret-credential.ts'
import { assertBasicAllowed, clientAddress, readAuthorization } from '../auth/credentials.ts'

export const NAME_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/

export async function callerOf(auth: AuthService, request: FastifyRequest): Promise<Principal> {
  if (!auth.enabled) throw new RegistryError('UNSUPPORTED', 'authentication is disabled on this registry', { status: 404 })
  const creds = readAuthorization(request)
  if (!creds) throw new RegistryError('UNAUTHORIZED', 'credentials required', { headers: { 'WWW-Authenticate': 'Basic realm="drydock"' } })
  const ctx = { address: clientAddress(request), via: 'api' }
  assertBasicAllowed(request, auth.config.allowInsecureBasic)
  if (creds.scheme === 'basic') return auth.login(creds.username, creds.secret, ctx)
  const parsed = parseCredential(creds.token)
  const owner = parsed && parsed.kind !== 'robot' ? (await auth.repos.tokens.get(parsed.id))?.owner : undefined
  return auth.login(owner ?? '?', creds.token, ctx)
}

function describe(r: ManagedResource): string {
  switch (r.kind) {
    case 'server':
      return "server administration (an administrator, with a token: the 'admin' action on target '*')"
    case 'namespace':
      return `managing namespace '${r.org}' (with a token: the 'admin' action on '${r.org}/*' or '*')`
    case 'repository':
      return `managing repository '${r.name}' (with a token: the 'admin' action on a target covering it)`
    case 'tokens':
      return `managing the tokens of '${r.owner}' (with a token: the 'admin' action on target '*')`
    case 'credentials':
      return `new credentials for '${r.user}' (log in with the password, not a token)`
  }
}

/**
 * The one authorization check of the management routes: throws DENIED (403) unless the caller
 * (its owner and its token's actions and targets, permissions.ts) may manage `r`.
 */
export async function requirePermission(auth: AuthService, p: Principal, r: ManagedResource): Promise<void> {
  if (!(await mayManage(p, r, auth.permissions))) throw new RegistryError('DENIED', `not allowed: ${describe(r)}`)
}

/** Authenticates the caller and checks it may manage `r`; returns the caller. */
export async function authorizedCaller(auth: AuthService, request: FastifyRequest, r: ManagedResource): Promise<Principal> {
  const caller = await callerOf(auth, request)
  await requirePermission(auth, caller, r)
  return caller
}

export const SERVER: ManagedResource = { kind: 'server' }

export function str(body: Record<string, unknown>, key: string, opts: { re?: RegExp; max?: number } = {}): string {
  const v = body[key]
  if (typeof v !== 'string' || v === '' || v.length > (opts.max ?? 128) || (opts.re && !opts.re.test(v))) {
    throw new RegistryError('UNSUPPORTED', `invalid or missing '${key}'`, { status: 400 })
  }
  return v
}

export function param(request: FastifyRequest, key: string): string {
  const v = (request.params as Record<string, string | undefined>)[key] ?? ''
  if (!NAME_RE.test(v) && !/^robot\$[a-z0-9._-]+\+[a-z0-9._-]+$/.test(v) && !/^[a-z2-9]{12}$/.test(v)) {
    throw new RegistryError('NAME_INVALID', `invalid ${key}`)
  }
  return v
}

export function notFound(what: string): RegistryError {
  return new RegistryError('NAME_UNKNOWN', `${what} not found`)
}

export function conflict(what: string): RegistryError {
  return new RegistryError('DENIED', `${what} already exists`, { status: 409 })
}

export function json(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('Cache-Control', 'no-store').header('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(body))
}

export function parseExpiry(auth: AuthService, raw: unknown, fallbackMs?: number): Date {
  const now = auth.now().getTime()
  let at: number
  if (typeof raw === 'string' && raw !== '') at = Date.parse(raw)
  else if (typeof raw === 'number') at = now + raw * 1000
  else if (fallbackMs !== undefined) at = now + fallbackMs
  else throw new RegistryError('UNSUPPORTED', "an expiry is mandatory ('expiresAt' ISO date or 'expiresIn' seconds)", { status: 400 })
  if (!Number.isFinite(at) || at <= now) throw new RegistryError('UNSUPPORTED', 'expiry must be in the future', { status: 400 })
  if (at - now > auth.config.maxTokenTtlMs) throw new RegistryError('UNSUPPORTED', 'expiry too far in the future', { status: 400 })
  return new Date(at)
}
