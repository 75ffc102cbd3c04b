/**
 * Deploy policies and break-glass exemptions (docs/policies.md "Managing policies", docs/api.md):
 *   GET    /api/v1/policies                    the policies the caller may manage (stored and config)
 *   GET    /api/v1/policies/{name}
 *   PUT    /api/v1/policies/{name}             body: the policy JSON (201 created, 200 replaced)
 *   DELETE /api/v1/policies/{name}             stored policies only (409 for a config file one)
 *   POST   /api/v1/repositories/{name}/images/{ref}/exemptions   {"reason", "expiresIn"} (201)
 *   GET    /api/v1/repositories/{name}/exemptions
 *   DELETE /api/v1/repositories/{name}/exemptions/{id}           revoke (200)
 * Who may: the management right on the namespace the scope or repository belongs to
 * (permissions.ts mayManage: a namespace admin; a token needs `admin` on `ns/*`); scope `*`
 * needs a server admin. Moving a policy to another scope needs the right on both. With access
 * control off, anyone may, as anyone may push. Every change is audited and tells the policy
 * source, so the gate's caches drop what they hold at once.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { mayManage, type ManagedResource } from '../../auth/permissions.ts'
import { principalName, type Principal } from '../../auth/principal.ts'
import { DeployPolicyError } from '../../policy/policy-error.ts'
import { parseDeployPolicy } from '../../policy/parse-policy.ts'
import { MAX_POLICY_TEXT_BYTES, type DeployPolicy } from '../../policy/policy.ts'
import type { PolicyAdmin } from '../../policy/store/policy-admin.ts'
import { clientAddress } from '../auth/credentials.ts'
import { readJsonObject, readSmallBody } from '../auth/read-small-body.ts'
import { repositoryApi } from '../repository-api.ts'
import { callerOf, json, notFound, requirePermission, SERVER } from './api-context.ts'

export interface PoliciesApiDeps {
  readonly admin: PolicyAdmin
  readonly auth: AuthService | undefined
}

const POLICY_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

/** What managing a policy of `scope` acts on: the server for `*`, else the scope's namespace. */
export function policyResource(scope: string): ManagedResource {
  return scope === '*' ? SERVER : { kind: 'namespace', org: scope.split('/')[0] ?? '' }
}

/** Access control off: nobody is named, the audit log says so. */
const actorOf = (caller: Principal | undefined): string => (caller === undefined ? 'anonymous' : principalName(caller))

function nameParam(request: FastifyRequest): string {
  const name = (request.params as { name?: string }).name ?? ''
  if (!POLICY_NAME.test(name)) throw new RegistryError('NAME_INVALID', 'invalid policy name (1 to 64 characters of a-z, 0-9, ., _, -)')
  return name
}

function parsePolicyBody(text: string): DeployPolicy {
  try {
    return parseDeployPolicy(text)
  } catch (err) {
    if (err instanceof DeployPolicyError) throw new RegistryError('UNSUPPORTED', err.message, { status: 400, detail: { field: err.field, reason: err.reason } })
    throw err
  }
}

export function registerPoliciesApi(app: FastifyInstance, deps: PoliciesApiDeps): void {
  const { admin, auth } = deps
  // Decided when the app starts (auth-service.ts init), so asked per request.
  const on = (): AuthService | undefined => (auth?.enabled === true ? auth : undefined)
  const audit = async (request: FastifyRequest, caller: Principal | undefined, action: string, detail: Record<string, unknown>, repository?: string) => {
    const enabled = on()
    if (enabled && caller) await enabled.audit({ actor: principalName(caller), action, address: clientAddress(request), detail, ...(repository === undefined ? {} : { repository }) })
  }
  /** The caller (undefined with access control off); 401 without credentials. */
  const caller = async (request: FastifyRequest): Promise<Principal | undefined> => {
    const enabled = on()
    return enabled ? callerOf(enabled, request) : undefined
  }
  const mayManageScope = async (p: Principal | undefined, scope: string): Promise<void> => {
    const enabled = on()
    if (enabled && p) await requirePermission(enabled, p, policyResource(scope))
  }

  app.get('/api/v1/policies', async (request, reply) => {
    const p = await caller(request)
    const all = await admin.list()
    const enabled = on()
    const visible = enabled && p ? (await Promise.all(all.map(async (v) => ((await mayManage(p, policyResource(v.scope), enabled.permissions)) ? [v] : [])))).flat() : all
    return json(reply, 200, { policies: visible })
  })

  app.get('/api/v1/policies/:name', async (request, reply) => {
    const p = await caller(request)
    const view = await admin.get(nameParam(request))
    if (view === undefined) throw notFound('policy')
    await mayManageScope(p, view.scope)
    return json(reply, 200, view)
  })

  app.put('/api/v1/policies/:name', async (request, reply) => {
    const p = await caller(request)
    const name = nameParam(request)
    const text = await readSmallBody(request, MAX_POLICY_TEXT_BYTES)
    const policy = parsePolicyBody(text)
    if (policy.name !== name) {
      throw new RegistryError('UNSUPPORTED', `the policy's name '${policy.name}' is not the name in the path '${name}'`, { status: 400, detail: { field: 'name' } })
    }
    await mayManageScope(p, policy.scope)
    const before = await admin.get(name)
    if (before !== undefined && before.scope !== policy.scope) await mayManageScope(p, before.scope)
    const { created, view } = await admin.put(policy, text, actorOf(p))
    await audit(request, p, 'policy.put', {
      name, scope: policy.scope, mode: policy.mode, conditions: Object.keys(policy.require),
      ...(before !== undefined && before.scope !== policy.scope ? { previousScope: before.scope } : {}),
    })
    return json(reply, created ? 201 : 200, view)
  })

  app.delete('/api/v1/policies/:name', async (request, reply) => {
    const p = await caller(request)
    const name = nameParam(request)
    const view = await admin.get(name)
    if (view === undefined) throw notFound('policy')
    await mayManageScope(p, view.scope)
    if (!(await admin.delete(name))) throw notFound('policy')
    await audit(request, p, 'policy.delete', { name, scope: view.scope })
    return reply.code(204).send()
  })

  // Exemptions: the router checks the repository right (`manage`), then the namespace right here.
  const api = repositoryApi(app, auth)
  const namespaceOf = (repo: string): string => repo.split('/')[0] ?? ''

  api.add({ method: 'POST', path: 'images/{ref}/exemptions', needs: 'manage' }, async (request, reply, { repo, ref, caller: p }) => {
    await mayManageScope(p, namespaceOf(repo))
    const view = await admin.exempt(repo, ref ?? '', await readJsonObject(request), actorOf(p))
    await audit(request, p, 'policy.exemption.create', { id: view.id, digest: view.digest, reason: view.reason, expiresAt: view.expiresAt }, repo)
    return json(reply, 201, view)
  })

  api.add({ method: 'GET', path: 'exemptions', needs: 'manage' }, async (_request, reply, { repo, caller: p }) => {
    await mayManageScope(p, namespaceOf(repo))
    return json(reply, 200, { repositoryName: repo, exemptions: await admin.exemptions(repo) })
  })

  api.add({ method: 'DELETE', path: 'exemptions/{ref}', needs: 'manage' }, async (request, reply, { repo, ref, caller: p }) => {
    await mayManageScope(p, namespaceOf(repo))
    const result = await admin.revoke(repo, ref ?? '', actorOf(p))
    if (result === undefined) throw notFound('exemption')
    if (result.revoked) await audit(request, p, 'policy.exemption.revoke', { id: result.view.id, digest: result.view.digest }, repo)
    return json(reply, 200, result.view)
  })
}
