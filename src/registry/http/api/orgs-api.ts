/**
 * /api/v1/orgs: organizations (namespaces), their teams, members and grants, and repository
 * visibility. Creating and listing orgs is server-wide; the rest needs the right to manage the
 * namespace, and a credential that holds the rights it hands out (docs/auth.md).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import { isRepositoryName } from '../../../oci/reference.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { principalName } from '../../auth/principal.ts'
import type { GrantRecord, Role } from '../../metadata/auth-store.ts'
import { clientAddress } from '../auth/credentials.ts'
import { readJsonObject } from '../auth/read-small-body.ts'
import { authorizedCaller, callerOf, conflict, json, NAME_RE, notFound, param, requirePermission, SERVER, str } from './api-context.ts'

const ROLES: readonly Role[] = ['read', 'write', 'admin']

/** A grant must stay inside the org: `org/*` or a repository `org/…`. */
export function parseGrant(org: string, body: Record<string, unknown>): GrantRecord {
  const target = str(body, 'target', { max: 256 })
  const role = str(body, 'role') as Role
  if (!ROLES.includes(role)) throw new RegistryError('UNSUPPORTED', "role must be 'read', 'write' or 'admin'", { status: 400 })
  const inside = target === `${org}/*` || (target.startsWith(`${org}/`) && isRepositoryName(target))
  if (!inside) throw new RegistryError('DENIED', `target must be '${org}/*' or a repository under '${org}/'`, { status: 400 })
  return { target, role }
}

export function registerOrgsApi(app: FastifyInstance, auth: AuthService): void {
  const audit = (request: FastifyRequest, actor: string, action: string, detail: Record<string, unknown>, repository?: string) =>
    auth.audit({ actor, action, address: clientAddress(request), detail, ...(repository ? { repository } : {}) })

  const team = async (request: FastifyRequest) => {
    const org = param(request, 'org')
    const caller = await authorizedCaller(auth, request, { kind: 'namespace', org })
    const name = param(request, 'team')
    if (!(await auth.repos.orgs.listTeams(org)).includes(name)) throw notFound(`team '${org}/${name}'`)
    return { caller, org, name }
  }

  app.post('/api/v1/orgs', async (request, reply) => {
    const caller = await authorizedCaller(auth, request, SERVER)
    const name = str(await readJsonObject(request), 'name', { re: NAME_RE, max: 64 })
    if (await auth.repos.users.get(name)) throw conflict(`a user named '${name}'`)
    if (!(await auth.repos.orgs.create(name, auth.now()))) throw conflict(`org '${name}'`)
    await audit(request, principalName(caller), 'org.create', { org: name })
    return json(reply, 201, { name })
  })

  app.get('/api/v1/orgs', async (request, reply) => {
    await authorizedCaller(auth, request, SERVER)
    return json(reply, 200, { orgs: await auth.repos.orgs.list() })
  })

  app.post('/api/v1/orgs/:org/teams', async (request, reply) => {
    const org = param(request, 'org')
    const caller = await authorizedCaller(auth, request, { kind: 'namespace', org })
    if (!(await auth.repos.orgs.exists(org))) throw notFound(`org '${org}'`)
    const name = str(await readJsonObject(request), 'name', { re: NAME_RE, max: 64 })
    if (!(await auth.repos.orgs.createTeam(org, name, auth.now()))) throw conflict(`team '${org}/${name}'`)
    await audit(request, principalName(caller), 'permission.change', { change: 'team.create', org, team: name })
    return json(reply, 201, { org, name })
  })

  app.get('/api/v1/orgs/:org/teams/:team', async (request, reply) => {
    const t = await team(request)
    return json(reply, 200, {
      org: t.org, name: t.name,
      members: await auth.repos.orgs.listMembers(t.org, t.name),
      grants: await auth.repos.orgs.teamGrants(t.org, t.name),
    })
  })

  app.put('/api/v1/orgs/:org/teams/:team/members/:user', async (request, reply) => {
    const t = await team(request)
    const user = param(request, 'user')
    // A new member receives the team's grants: the caller's credential must hold them itself.
    await requirePermission(auth, t.caller, { kind: 'namespace', org: t.org, grants: await auth.repos.orgs.teamGrants(t.org, t.name) })
    if (!(await auth.repos.users.get(user))) throw notFound(`user '${user}'`)
    await auth.repos.orgs.addMember(t.org, t.name, user)
    await audit(request, principalName(t.caller), 'permission.change', { change: 'member.add', org: t.org, team: t.name, user })
    return reply.code(204).send()
  })

  app.delete('/api/v1/orgs/:org/teams/:team/members/:user', async (request, reply) => {
    const t = await team(request)
    const user = param(request, 'user')
    if (!(await auth.repos.orgs.removeMember(t.org, t.name, user))) throw notFound(`member '${user}'`)
    await audit(request, principalName(t.caller), 'permission.change', { change: 'member.remove', org: t.org, team: t.name, user })
    return reply.code(204).send()
  })

  app.put('/api/v1/orgs/:org/teams/:team/grants', async (request, reply) => {
    const t = await team(request)
    const grant = parseGrant(t.org, await readJsonObject(request))
    await requirePermission(auth, t.caller, { kind: 'namespace', org: t.org, grants: [grant] })
    await auth.repos.orgs.grant(t.org, t.name, grant)
    await audit(request, principalName(t.caller), 'permission.change', { change: 'grant', org: t.org, team: t.name, ...grant })
    return reply.code(204).send()
  })

  app.put('/api/v1/visibility', async (request, reply) => {
    const caller = await callerOf(auth, request)
    const body = await readJsonObject(request)
    const repository = str(body, 'repository', { max: 256 })
    if (!isRepositoryName(repository)) throw new RegistryError('NAME_INVALID', 'invalid repository name')
    const isPublic = body['public'] === true
    // Making a repository public hands `read` to everyone: the credential must hold pull on it.
    await requirePermission(auth, caller, { kind: 'repository', name: repository, ...(isPublic ? { grants: [{ target: repository, role: 'read' as const }] } : {}) })
    await auth.repos.publicRepos.setPublic(repository, isPublic, auth.now())
    await audit(request, principalName(caller), 'permission.change', { change: 'visibility', public: isPublic }, repository)
    return json(reply, 200, { repository, public: isPublic })
  })
}
