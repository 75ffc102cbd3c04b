/**
 * /api/v1/tokens: personal access tokens (scoped by actions and targets, mandatory expiry,
 * revocable, last-used time) and the OAuth2 refresh tokens of POST /token (listed with kind
 * `refresh`, revoked by the same DELETE), /api/v1/login-password (a password valid for 12 h by default,
 * for `docker login --password-stdin`) and /api/v1/keys/rotate (server-wide). Token values are
 * returned once; only their hash is stored. New tokens and login passwords need the owner's
 * password: tokens never mint tokens (permissions.ts, kind `credentials`).
 */
import type { FastifyInstance } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import { isRepositoryName } from '../../../oci/reference.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { principalName, type Principal } from '../../auth/principal.ts'
import { generateCredential } from '../../auth/secret-credential.ts'
import type { AccessTokenRecord, RefreshTokenRecord, TokenAction } from '../../metadata/auth-store.ts'
import { clientAddress } from '../auth/credentials.ts'
import { readJsonObject } from '../auth/read-small-body.ts'
import { authorizedCaller, callerOf, json, notFound, param, parseExpiry, requirePermission, SERVER } from './api-context.ts'

const ACTIONS: readonly TokenAction[] = ['pull', 'push', 'delete', 'admin']

/** A user minting a credential for themselves (with their password, never with a token). */
async function owner(auth: AuthService, p: Principal): Promise<string> {
  if (p.kind !== 'user') throw new RegistryError('DENIED', 'tokens are created by users logged in with their password')
  await requirePermission(auth, p, { kind: 'credentials', user: p.name })
  return p.name
}

function stringList(v: unknown, key: string, valid: (s: string) => boolean): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 100 || !v.every((s) => typeof s === 'string' && valid(s))) {
    throw new RegistryError('UNSUPPORTED', `'${key}' must be a non-empty list of valid values`, { status: 400 })
  }
  return [...new Set(v as string[])]
}

const isTarget = (t: string): boolean => t === '*' || isRepositoryName(t) || (t.endsWith('/*') && isRepositoryName(t.slice(0, -2)))

function view(t: AccessTokenRecord): Record<string, unknown> {
  return {
    id: t.id, kind: t.kind, description: t.description, actions: t.actions, targets: t.targets,
    createdAt: t.createdAt.toISOString(), expiresAt: t.expiresAt.toISOString(),
    ...(t.revokedAt ? { revokedAt: t.revokedAt.toISOString() } : {}),
    ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt.toISOString() } : {}),
  }
}

function refreshView(t: RefreshTokenRecord): Record<string, unknown> {
  return {
    id: t.id, kind: 'refresh', clientId: t.clientId, createdAt: t.createdAt.toISOString(), expiresAt: t.expiresAt.toISOString(),
    ...(t.revokedAt ? { revokedAt: t.revokedAt.toISOString() } : {}),
    ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt.toISOString() } : {}),
  }
}

export function registerTokensApi(app: FastifyInstance, auth: AuthService): void {
  const issue = async (p: Principal, address: string, t: Omit<AccessTokenRecord, 'id' | 'secretHash' | 'createdAt'>) => {
    const cred = generateCredential(t.kind)
    await auth.repos.tokens.create({ ...t, id: cred.id, secretHash: cred.secretHash, createdAt: auth.now() })
    await auth.audit({ actor: principalName(p), action: 'token.create', address, detail: { id: cred.id, kind: t.kind, actions: t.actions, targets: t.targets } })
    return cred
  }

  app.post('/api/v1/tokens', async (request, reply) => {
    const caller = await callerOf(auth, request)
    const name = await owner(auth, caller)
    const body = await readJsonObject(request)
    const actions = stringList(body['actions'], 'actions', (a) => ACTIONS.includes(a as TokenAction)) as TokenAction[]
    const targets = stringList(body['targets'], 'targets', isTarget)
    const expiresAt = parseExpiry(auth, body['expiresAt'] ?? body['expiresIn'])
    const description = typeof body['description'] === 'string' ? body['description'].slice(0, 200) : ''
    const cred = await issue(caller, clientAddress(request), { owner: name, kind: 'pat', description, actions, targets, expiresAt })
    return json(reply, 201, { id: cred.id, token: cred.value, actions, targets, expiresAt: expiresAt.toISOString() })
  })

  app.get('/api/v1/tokens', async (request, reply) => {
    const caller = await callerOf(auth, request)
    if (caller.kind !== 'user') throw new RegistryError('DENIED', 'only users have tokens')
    await requirePermission(auth, caller, { kind: 'tokens', owner: caller.name })
    const refresh = (await auth.repos.refreshTokens.listByOwner(caller.name)).map(refreshView)
    return json(reply, 200, { tokens: [...(await auth.repos.tokens.listByOwner(caller.name)).map(view), ...refresh] })
  })

  app.delete('/api/v1/tokens/:id', async (request, reply) => {
    const caller = await callerOf(auth, request)
    const id = param(request, 'id')
    const token = (await auth.repos.tokens.get(id)) ?? (await auth.repos.refreshTokens.get(id))
    // Checked before "not found", as if an unknown id were the caller's own: a credential that
    // may not manage tokens learns nothing about which ids exist.
    await requirePermission(auth, caller, { kind: 'tokens', owner: token?.owner ?? principalName(caller), id })
    if (!token) throw notFound(`token '${id}'`)
    const repo = 'kind' in token ? auth.repos.tokens : auth.repos.refreshTokens
    if (!(await repo.revoke(id, auth.now()))) throw new RegistryError('DENIED', 'token already revoked', { status: 409 })
    await auth.audit({ actor: principalName(caller), action: 'token.revoke', address: clientAddress(request), detail: { id, owner: token.owner, kind: 'kind' in token ? token.kind : 'refresh' } })
    return reply.code(204).send()
  })

  app.post('/api/v1/login-password', async (request, reply) => {
    const caller = await callerOf(auth, request)
    const name = await owner(auth, caller)
    const expiresAt = new Date(auth.now().getTime() + auth.config.loginPasswordTtlMs)
    const cred = await issue(caller, clientAddress(request), {
      owner: name, kind: 'login', description: 'login-password', actions: ['pull', 'push', 'delete'], targets: ['*'], expiresAt,
    })
    return json(reply, 201, { username: name, password: cred.value, expiresAt: expiresAt.toISOString() })
  })

  app.post('/api/v1/keys/rotate', async (request, reply) => {
    const caller = await authorizedCaller(auth, request, SERVER)
    const kid = await auth.keys.rotate()
    await auth.audit({ actor: principalName(caller), action: 'key.rotate', address: clientAddress(request), detail: { kid } })
    return json(reply, 200, { kid })
  })

}
