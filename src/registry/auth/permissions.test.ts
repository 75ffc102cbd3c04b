import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { GrantRecord } from '../metadata/auth-store.ts'
import { allowedActions, canManageNamespace, targetMatches } from './permissions.ts'
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

it('lets admins, namespace owners and org admins manage a namespace; tokens need admin', async () => {
  assert.equal(await canManageNamespace(user('bob'), 'acme', src), true)
  assert.equal(await canManageNamespace(user('ann'), 'acme', src), false)
  assert.equal(await canManageNamespace(user('ann'), 'ann', src), true)
  assert.equal(await canManageNamespace(user('bob', { token: { id: 't', actions: ['pull', 'push'], targets: ['*'] } }), 'acme', src), false)
  assert.equal(await canManageNamespace({ kind: 'anonymous' }, 'acme', src), false)
})
