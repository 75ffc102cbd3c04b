import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { GrantRecord } from '../metadata/auth-store.ts'
import { allowedActions, mayManage, targetMatches, tokenAllows } from './permissions.ts'
import type { Principal } from './principal.ts'

const grants: Record<string, GrantRecord[]> = {
  ann: [{ target: 'acme/*', role: 'read' }, { target: 'acme/web', role: 'admin' }],
  bob: [{ target: 'acme/*', role: 'admin' }],
}
const src = { grantsOfUser: async (u: string) => grants[u] ?? [], isPublic: async (r: string) => r === 'pub/lic' }
const user = (name: string, extra: Partial<Extract<Principal, { kind: 'user' }>> = {}): Principal => ({ kind: 'user', name, admin: false, ...extra })

it('matches targets exactly or by namespace prefix', () => {
  assert.equal(targetMatches('acme/*', 'acme/a/b'), true)
  assert.equal(targetMatches('acme/*', 'acmex/a'), false)
  assert.equal(targetMatches('acme/a', 'acme/ab'), false)
  assert.equal(targetMatches('*', 'x'), true)
})

it('resolves roles, own namespaces, admins, robots, public repos and token limits', async () => {
  assert.deepEqual(await allowedActions(user('ann'), 'acme/app', src), ['pull'])
  assert.deepEqual(await allowedActions(user('ann'), 'acme/web', src), ['pull', 'push', 'delete'])
  assert.deepEqual(await allowedActions(user('ann'), 'ann/x', src), ['pull', 'push', 'delete'])
  assert.deepEqual(await allowedActions(user('ann'), 'annx/x', src), [])
  assert.deepEqual(await allowedActions(user('zed', { admin: true }), 'any/thing', src), ['pull', 'push', 'delete'])
  assert.deepEqual(await allowedActions({ kind: 'anonymous' }, 'pub/lic', src), ['pull'])
  assert.deepEqual(await allowedActions({ kind: 'anonymous' }, 'acme/app', src), [])
  const robot: Principal = { kind: 'robot', name: 'robot$acme+ci', org: 'acme', grants: [{ target: 'acme/app', role: 'write' }] }
  assert.deepEqual(await allowedActions(robot, 'acme/app', src), ['pull', 'push'])
  assert.deepEqual(await allowedActions(robot, 'acme/web', src), [])
  const limited = user('ann', { token: { id: 't', actions: ['pull'], targets: ['acme/web'] } })
  assert.deepEqual(await allowedActions(limited, 'acme/web', src), ['pull'])
  assert.deepEqual(await allowedActions(limited, 'ann/x', src), [], 'outside the token targets')
  assert.deepEqual(await allowedActions(limited, 'pub/lic', src), ['pull'], 'public stays public')
})

it('cuts by a token only: its actions and a target covering the resource (`*` covers all, `org/*` the namespace)', () => {
  const t = { id: 't', actions: ['admin' as const], targets: ['acme/app'] }
  assert.equal(tokenAllows(undefined, 'admin', '*'), true)
  assert.equal(tokenAllows(t, 'admin', 'acme/app'), true)
  assert.equal(tokenAllows(t, 'admin', 'acme/*'), false, 'one repository does not cover the namespace')
  assert.equal(tokenAllows(t, 'pull', 'acme/app'), false)
  assert.equal(tokenAllows({ ...t, targets: ['acme/*'] }, 'admin', 'acme/*'), true)
  assert.equal(tokenAllows({ ...t, targets: ['acme/*'] }, 'admin', '*'), false)
})

it('lets admins, namespace owners and org admins manage a namespace, through a token only within its limits', async () => {
  const acme = { kind: 'namespace', org: 'acme' } as const
  assert.equal(await mayManage(user('bob'), acme, src), true)
  assert.equal(await mayManage(user('ann'), acme, src), false)
  assert.equal(await mayManage(user('ann'), { kind: 'namespace', org: 'ann' }, src), true)
  assert.equal(await mayManage(user('bob', { token: { id: 't', actions: ['pull', 'push'], targets: ['*'] } }), acme, src), false)
  assert.equal(await mayManage(user('bob', { token: { id: 't', actions: ['admin'], targets: ['acme/app'] } }), acme, src), false)
  assert.equal(await mayManage(user('bob', { token: { id: 't', actions: ['admin'], targets: ['acme/*'] } }), acme, src), true)
  const handsOut = { ...acme, grants: [{ target: 'acme/*', role: 'write' as const }] }
  assert.equal(await mayManage(user('bob', { token: { id: 't', actions: ['admin'], targets: ['acme/*'] } }), handsOut, src), false, 'cannot hand out push it lacks')
  assert.equal(await mayManage(user('bob', { token: { id: 't', actions: ['admin', 'pull', 'push'], targets: ['*'] } }), handsOut, src), true)
  assert.equal(await mayManage({ kind: 'anonymous' }, acme, src), false)
  assert.equal(await mayManage({ kind: 'robot', name: 'robot$acme+x', org: 'acme', grants: [{ target: 'acme/*', role: 'admin' }] }, acme, src), false)
})

it('keeps server-wide calls for admins with an unrestricted admin token, tokens for their owner, credentials for the password', async () => {
  const root = (token?: { actions: ('pull' | 'admin')[]; targets: string[] }) => user('zed', { admin: true, ...(token ? { token: { id: 't', ...token } } : {}) })
  assert.equal(await mayManage(root(), { kind: 'server' }, src), true)
  assert.equal(await mayManage(root({ actions: ['admin'], targets: ['*'] }), { kind: 'server' }, src), true)
  assert.equal(await mayManage(root({ actions: ['admin'], targets: ['acme/*'] }), { kind: 'server' }, src), false)
  assert.equal(await mayManage(user('ann'), { kind: 'server' }, src), false)
  const pullOnly = user('ann', { token: { id: 'self', actions: ['pull'], targets: ['*'] } })
  assert.equal(await mayManage(pullOnly, { kind: 'tokens', owner: 'ann', id: 'other' }, src), false)
  assert.equal(await mayManage(pullOnly, { kind: 'tokens', owner: 'ann', id: 'self' }, src), true, 'a token may revoke itself')
  assert.equal(await mayManage(user('ann'), { kind: 'tokens', owner: 'bob' }, src), false)
  assert.equal(await mayManage(user('ann'), { kind: 'credentials', user: 'ann' }, src), true)
  assert.equal(await mayManage(root({ actions: ['admin'], targets: ['*'] }), { kind: 'credentials', user: 'zed' }, src), false, 'tokens never mint credentials')
})
