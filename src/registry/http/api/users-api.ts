// /api/v1/users: create, list, delete (server-wide); change a password (one's own with the
// password, anyone's server-wide). Who may is decided by permissions.ts (docs/auth.md).
import type { FastifyInstance } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { hashPassword, MAX_PASSWORD_BYTES } from '../../auth/password-hasher.ts'
import { principalName } from '../../auth/principal.ts'
import { clientAddress } from '../auth/credentials.ts'
import { readJsonObject } from '../auth/read-small-body.ts'
import { authorizedCaller, conflict, json, NAME_RE, notFound, param, SERVER, str } from './api-context.ts'

const MIN_PASSWORD = 12

function password(body: Record<string, unknown>): string {
  const pw = str(body, 'password', { max: MAX_PASSWORD_BYTES })
  if (pw.length < MIN_PASSWORD) throw new RegistryError('UNSUPPORTED', `password must have at least ${MIN_PASSWORD} characters`, { status: 400 })
  return pw
}

export function registerUsersApi(app: FastifyInstance, auth: AuthService): void {
  app.post('/api/v1/users', async (request, reply) => {
    const caller = await authorizedCaller(auth, request, SERVER)
    const body = await readJsonObject(request)
    const name = str(body, 'name', { re: NAME_RE, max: 64 })
    if (name.startsWith('robot')) throw new RegistryError('NAME_INVALID', "user names may not start with 'robot'")
    // A user owns the namespace of their name: it must not be an organization's.
    if (await auth.repos.orgs.exists(name)) throw conflict(`an org named '${name}'`)
    const admin = body['admin'] === true
    const created = await auth.repos.users.create({ name, passwordHash: await hashPassword(password(body)), admin, createdAt: auth.now() })
    if (!created) throw conflict(`user '${name}'`)
    await auth.audit({ actor: principalName(caller), action: 'user.create', address: clientAddress(request), detail: { user: name, admin } })
    return json(reply, 201, { name, admin })
  })

  app.get('/api/v1/users', async (request, reply) => {
    await authorizedCaller(auth, request, SERVER)
    const users = await auth.repos.users.list()
    return json(reply, 200, { users: users.map((u) => ({ name: u.name, admin: u.admin, createdAt: u.createdAt.toISOString() })) })
  })

  app.delete('/api/v1/users/:user', async (request, reply) => {
    const caller = await authorizedCaller(auth, request, SERVER)
    const name = param(request, 'user')
    if (!(await auth.repos.users.delete(name))) throw notFound(`user '${name}'`)
    await auth.audit({ actor: principalName(caller), action: 'user.delete', address: clientAddress(request), detail: { user: name } })
    return reply.code(204).send()
  })

  app.put('/api/v1/users/:user/password', async (request, reply) => {
    const name = param(request, 'user')
    const caller = await authorizedCaller(auth, request, { kind: 'credentials', user: name })
    const body = await readJsonObject(request)
    if (!(await auth.repos.users.setPassword(name, await hashPassword(password(body))))) throw notFound(`user '${name}'`)
    // A new password ends every offline session: refresh tokens issued with the old one die.
    await auth.repos.refreshTokens.revokeAllOf(name, auth.now())
    await auth.audit({ actor: principalName(caller), action: 'user.password', address: clientAddress(request), detail: { user: name } })
    return reply.code(204).send()
  })
}
