/**
 * Conformance cases for the AuthRepos part of the store contract (auth-store.ts), run by
 * runMetadataSuite for every backend.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { MetadataStore } from '../store.ts'

const at = new Date('2026-01-01T00:00:00Z')
const later = new Date('2026-01-02T00:00:00Z')

export function authSuiteCases(withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  it('auth: users are unique, listed, re-passworded and deleted with their tokens', withStore(async ({ auth }) => {
    assert.equal(await auth.users.create({ name: 'ann', passwordHash: 'h1', admin: true, createdAt: at }), true)
    assert.equal(await auth.users.create({ name: 'ann', passwordHash: 'h2', admin: false, createdAt: at }), false)
    await auth.users.create({ name: 'ben', passwordHash: 'h3', admin: false, createdAt: at })
    assert.deepEqual((await auth.users.list()).map((u) => u.name), ['ann', 'ben'])
    assert.equal(await auth.users.count(), 2)
    assert.equal(await auth.users.setPassword('ann', 'h9'), true)
    assert.deepEqual(await auth.users.get('ann'), { name: 'ann', passwordHash: 'h9', admin: true, createdAt: at })
    await auth.tokens.create({
      id: 'tok1', owner: 'ben', kind: 'pat', description: '', secretHash: 'ab', actions: ['pull'], targets: ['*'], createdAt: at, expiresAt: later,
    })
    assert.equal(await auth.users.delete('ben'), true)
    assert.equal(await auth.tokens.get('tok1'), undefined)
    assert.equal(await auth.users.get('ben'), undefined)
  }))

  it('auth: orgs, teams, members and grants resolve to a user\'s grants', withStore(async ({ auth }) => {
    await auth.users.create({ name: 'cat', passwordHash: 'h', admin: false, createdAt: at })
    assert.equal(await auth.orgs.create('acme', at), true)
    assert.equal(await auth.orgs.create('acme', at), false)
    await auth.orgs.createTeam('acme', 'devs', at)
    await auth.orgs.addMember('acme', 'devs', 'cat')
    await auth.orgs.addMember('acme', 'devs', 'cat')
    await auth.orgs.grant('acme', 'devs', { target: 'acme/*', role: 'read' })
    await auth.orgs.grant('acme', 'devs', { target: 'acme/*', role: 'write' })
    assert.deepEqual(await auth.orgs.listMembers('acme', 'devs'), ['cat'])
    assert.deepEqual(await auth.orgs.grantsOfUser('cat'), [{ target: 'acme/*', role: 'write' }])
    assert.equal(await auth.orgs.removeMember('acme', 'devs', 'cat'), true)
    assert.deepEqual(await auth.orgs.grantsOfUser('cat'), [])
    assert.deepEqual(await auth.orgs.listTeams('acme'), ['devs'])
  }))

  it('auth: robots, tokens (revoke once, last used), public repositories, signing keys', withStore(async ({ auth }) => {
    await auth.orgs.create('acme', at)
    const robot = { name: 'robot$acme+ci', org: 'acme', secretHash: 'ff', grants: [{ target: 'acme/app', role: 'read' as const }], createdAt: at, expiresAt: later }
    assert.equal(await auth.robots.create(robot), true)
    assert.deepEqual(await auth.robots.get(robot.name), robot)
    assert.equal((await auth.robots.list('acme')).length, 1)
    await auth.tokens.create({
      id: 'tok2', owner: 'x', kind: 'login', description: 'd', secretHash: 'cd', actions: ['pull', 'push'], targets: ['a/*'], createdAt: at, expiresAt: later,
    })
    await auth.tokens.touch('tok2', later)
    assert.equal(await auth.tokens.revoke('tok2', later), true)
    assert.equal(await auth.tokens.revoke('tok2', later), false)
    const t = await auth.tokens.get('tok2')
    assert.deepEqual([t?.lastUsedAt, t?.revokedAt, t?.actions, t?.targets], [later, later, ['pull', 'push'], ['a/*']])
    await auth.publicRepos.setPublic('acme/app', true, at)
    assert.equal(await auth.publicRepos.isPublic('acme/app'), true)
    await auth.publicRepos.setPublic('acme/app', false, at)
    assert.equal(await auth.publicRepos.isPublic('acme/app'), false)
    await auth.keys.add({ kid: 'k1', privateKeyPem: 'p', publicKeyPem: 'q', createdAt: at })
    await auth.keys.add({ kid: 'k2', privateKeyPem: 'p', publicKeyPem: 'q', createdAt: later })
    await auth.keys.retire('k1', at)
    assert.deepEqual((await auth.keys.list()).map((k) => [k.kid, k.retiredAt]), [['k2', undefined], ['k1', at]])
    assert.equal(await auth.keys.purgeRetired(later), 1)
  }))

  it('auth: the audit log appends and filters in order', withStore(async ({ auth }) => {
    await auth.audit.append({ at, actor: 'a', action: 'login.success', address: '127.0.0.1' })
    await auth.audit.append({ at: later, actor: 'b', action: 'repo.push', repository: 'r', detail: { reference: 'v1' } })
    await auth.audit.append({ at: later, actor: 'a', action: 'repo.pull', repository: 'r' })
    const all = await auth.audit.query({ limit: 10 })
    assert.deepEqual(all.map((e) => e.action), ['login.success', 'repo.push', 'repo.pull'])
    assert.deepEqual(all[1]?.detail, { reference: 'v1' })
    assert.deepEqual((await auth.audit.query({ actor: 'a', limit: 10 })).map((e) => e.action), ['login.success', 'repo.pull'])
    assert.equal((await auth.audit.query({ repository: 'r', since: later, limit: 10 })).length, 2)
    assert.equal((await auth.audit.query({ until: later, limit: 10 })).length, 1)
    assert.deepEqual((await auth.audit.query({ afterId: all[0]?.id ?? 0, limit: 1 })).map((e) => e.action), ['repo.push'])
  }))
}
