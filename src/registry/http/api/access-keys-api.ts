/**
 * /api/v1/access-keys: SigV4 access keys for the ECR API (docs/ecr.md "Access keys").
 *   POST   {"robot"?: "robot$org+name", "expiresIn"?: seconds | "expiresAt"?: ISO}  → 201 with the secret (once)
 *   GET    [?robot=robot$org+name]                                                  → the keys, no secrets
 *   DELETE /{id}                                                                    → 204
 * The same rules as robot secrets and personal tokens (permissions.ts mayManage): users manage
 * their own keys (a new one needs the password, never a token: kind `credentials`; listing and
 * deleting: kind `tokens`); a robot's keys are managed by whoever manages the robot's org, and a
 * credential creating one must itself hold the robot's grants. Checked before any lookup.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import { ACCESS_KEY_ID_RE } from '../../auth/access-keys/access-key-credential.ts'
import type { AccessKeyService } from '../../auth/access-keys/access-key-service.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import type { ManagedResource } from '../../auth/permissions.ts'
import { principalName, type Principal } from '../../auth/principal.ts'
import type { AccessKeyRecord } from '../../metadata/access-key-store.ts'
import { clientAddress } from '../auth/credentials.ts'
import { readJsonObject } from '../auth/read-small-body.ts'
import { callerOf, json, notFound, parseExpiry, requirePermission } from './api-context.ts'

const ROBOT_RE = /^robot\$([a-z0-9]+(?:[._-][a-z0-9]+)*)\+[a-z0-9]+(?:[._-][a-z0-9]+)*$/

function robotOrg(name: unknown): string {
  const m = typeof name === 'string' ? ROBOT_RE.exec(name) : null
  if (!m?.[1]) throw new RegistryError('UNSUPPORTED', "'robot' must be a robot name (robot$org+name)", { status: 400 })
  return m[1]
}

function view(k: AccessKeyRecord): Record<string, unknown> {
  return {
    accessKeyId: k.id, owner: k.owner, createdAt: k.createdAt.toISOString(),
    ...(k.expiresAt ? { expiresAt: k.expiresAt.toISOString() } : {}),
    ...(k.lastUsedAt ? { lastUsedAt: k.lastUsedAt.toISOString() } : {}),
  }
}

/** Whose keys a call is about, and the management right it needs. */
function ownKeys(caller: Principal, kind: 'credentials' | 'tokens'): ManagedResource {
  if (caller.kind !== 'user') throw new RegistryError('DENIED', 'access keys are managed by users')
  return kind === 'credentials' ? { kind, user: caller.name } : { kind, owner: caller.name }
}

export function registerAccessKeysApi(app: FastifyInstance, auth: AuthService, keys: AccessKeyService): void {
  const audit = (request: FastifyRequest, caller: Principal, action: string, detail: Record<string, unknown>) =>
    auth.audit({ actor: principalName(caller), action, address: clientAddress(request), detail: { kind: 'access-key', ...detail } })

  app.post('/api/v1/access-keys', async (request, reply) => {
    const caller = await callerOf(auth, request)
    const body = await readJsonObject(request)
    let owner: string
    if (body['robot'] === undefined) {
      await requirePermission(auth, caller, ownKeys(caller, 'credentials'))
      owner = principalName(caller)
    } else {
      const org = robotOrg(body['robot'])
      await requirePermission(auth, caller, { kind: 'namespace', org })
      const robot = await auth.repos.robots.get(String(body['robot']))
      if (!robot) throw notFound(`robot '${String(body['robot'])}'`)
      // The key carries the robot's rights: the credential creating it must hold them itself.
      await requirePermission(auth, caller, { kind: 'namespace', org, grants: robot.grants })
      owner = robot.name
    }
    const rawExpiry = body['expiresAt'] ?? body['expiresIn']
    const expiresAt = rawExpiry === undefined ? undefined : parseExpiry(auth, rawExpiry)
    const issued = await keys.create(owner, expiresAt)
    await audit(request, caller, 'token.create', { id: issued.record.id, owner })
    return json(reply, 201, { ...view(issued.record), secretAccessKey: issued.secretAccessKey })
  })

  app.get('/api/v1/access-keys', async (request, reply) => {
    const caller = await callerOf(auth, request)
    const robot = new URLSearchParams((request.raw.url ?? '').split('?')[1] ?? '').get('robot')
    let owner: string
    if (robot === null) {
      await requirePermission(auth, caller, ownKeys(caller, 'tokens'))
      owner = principalName(caller)
    } else {
      await requirePermission(auth, caller, { kind: 'namespace', org: robotOrg(robot) })
      owner = robot
    }
    return json(reply, 200, { accessKeys: (await keys.list(owner)).map(view) })
  })

  app.delete('/api/v1/access-keys/:id', async (request, reply) => {
    const caller = await callerOf(auth, request)
    const id = (request.params as { id?: string }).id ?? ''
    if (!ACCESS_KEY_ID_RE.test(id)) throw new RegistryError('NAME_INVALID', 'invalid access key id')
    const key = await keys.get(id)
    // As if an unknown id were the caller's own: a refusal tells nothing about which ids exist.
    const owner = key?.owner ?? principalName(caller)
    const resource: ManagedResource = owner.startsWith('robot$') ? { kind: 'namespace', org: robotOrg(owner) } : { kind: 'tokens', owner }
    await requirePermission(auth, caller, resource)
    if (!key || !(await keys.delete(id))) throw notFound(`access key '${id}'`)
    await audit(request, caller, 'token.revoke', { id, owner })
    return reply.code(204).send()
  })
}
