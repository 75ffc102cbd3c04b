// The registry's PolicySource over a real SQLite store: stored policies replace the config
// default of their scope (never merge), a change made behind the source's back (another
// replica) is seen through the generation, exemptions come from the store, and the management
// side's changed() reaches the listeners.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import { SqliteStore } from '../../metadata/sqlite/sqlite-store.ts'
import { policyConfig } from './policy-config.ts'
import { openPolicySource } from './stored-policy-source.ts'

let dir: string
let store: SqliteStore
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drydock-policy-source-'))
  store = new SqliteStore(join(dir, 'm.db'))
})
after(async () => {
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

const cfg = policyConfig([
  { name: 'base', scope: '*', require: { scan: {} } },
  { name: 'acme-default', scope: 'acme', require: { signed: true } },
], undefined)

it('config defaults fill the scopes without a stored policy; a stored one replaces its scope\'s default', async () => {
  const source = openPolicySource({ configPolicies: cfg.defaults, store })
  assert.deepEqual((await source.policies()).map((p) => p.name), ['base', 'acme-default'])
  // Written straight into the store, as another replica would: seen through the generation.
  await store.policies.put({ name: 'acme-strict', scope: 'acme', text: '{"name":"acme-strict","scope":"acme/*","mode":"audit","require":{"noSecrets":true}}', by: 'root' }, new Date())
  const policies = await source.policies()
  assert.deepEqual(policies.map((p) => [p.name, p.scope, p.mode]), [['acme-strict', 'acme', 'audit'], ['base', '*', 'enforce']])
  assert.equal(await source.policies(), policies, 'unchanged generation: the same list, not re-read')
  await store.policies.delete('acme-strict')
  assert.deepEqual((await source.policies()).map((p) => p.name), ['base', 'acme-default'])
})

it('a stored text that no longer validates fails closed, naming the policy', async () => {
  const source = openPolicySource({ configPolicies: [], store })
  await store.policies.put({ name: 'broken', scope: 'old', text: '{"name":"broken","scope":"old","require":{"signedBy":"k"}}', by: 'root' }, new Date())
  await assert.rejects(source.policies(), /stored deploy policy 'broken' no longer validates: .*require\.signedBy/)
  await store.policies.delete('broken')
})

it('exemptions in force come from the store; changed() reaches listeners until they unsubscribe', async () => {
  const source = openPolicySource({ configPolicies: [], store })
  const digest = `sha256:${'c'.repeat(64)}`
  const now = new Date('2026-03-01T10:00:00Z')
  await store.policies.addExemption({ id: 'x1', repository: 'acme/app', digest, reason: 'INC-9', createdBy: 'root', createdAt: now.toISOString(), expiresAt: '2026-03-01T12:00:00.000Z' })
  assert.equal((await source.activeExemption('acme/app', digest, now))?.id, 'x1')
  assert.equal(await source.activeExemption('acme/app', digest, new Date('2026-03-01T12:00:00Z')), undefined)
  const g = await source.generation()
  await store.policies.revokeExemption('x1', 'root', now)
  assert.notEqual(await source.generation(), g)
  let calls = 0
  const off = source.onChange(() => calls++)
  source.changed()
  off()
  source.changed()
  assert.equal(calls, 1)
})
