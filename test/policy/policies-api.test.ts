// Managing deploy policies and break-glass exemptions over real HTTP (docs/policies.md "Managing
// policies"): config file defaults and stored policies, the grammar's refusals naming the field,
// one policy per scope, who may change what (namespace admins; `*` for server admins), the
// exemption bounds, revocation, and the audit trail.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { policyConfig } from '../../src/registry/policy/store/policy-config.ts'
import { startPolicyRegistry, type PolicyRegistry } from './policies-fixture.ts'

const CONFIG_POLICY = { name: 'baseline', scope: '*', mode: 'audit', require: { scan: {} } }
const prod = (extra: Record<string, unknown> = {}) => ({ name: 'acme-prod', scope: 'acme', require: { signed: true, vulnerabilities: { atOrAbove: 'CRITICAL' } }, ...extra })

describe('policies API', () => {
  let r: PolicyRegistry
  before(async () => {
    r = await startPolicyRegistry(policyConfig([CONFIG_POLICY], '12h'))
  })
  after(async () => {
    await r?.close()
  })

  it('lists the config file policies with source config; they cannot be deleted', async () => {
    const list = await r.call('root', 'GET', '/api/v1/policies')
    assert.equal(list.status, 200, list.text)
    assert.deepEqual(list.body.policies.map((p: any) => [p.name, p.source]), [['baseline', 'config']])
    assert.deepEqual(list.body.policies[0].policy, CONFIG_POLICY)
    const del = await r.call('root', 'DELETE', '/api/v1/policies/baseline')
    assert.equal(del.status, 409, del.text)
    assert.match(del.text, /config file/)
  })

  it('refuses an invalid policy with 400 naming the field, and a name that is not the path\'s', async () => {
    const bad = await r.call('root', 'PUT', '/api/v1/policies/acme-prod', prod({ require: { vulnerabilities: { atOrAbove: 'SEVERE' } } }))
    assert.equal(bad.status, 400, bad.text)
    assert.match(bad.body.errors[0].message, /'acme-prod'.*require\.vulnerabilities\.atOrAbove/)
    assert.equal(bad.body.errors[0].detail.field, 'require.vulnerabilities.atOrAbove')
    const unknown = await r.call('root', 'PUT', '/api/v1/policies/acme-prod', prod({ requires: {} }))
    assert.equal(unknown.status, 400)
    assert.equal(unknown.body.errors[0].detail.field, 'requires')
    const dup = await r.call('root', 'PUT', '/api/v1/policies/acme-prod', '{"name":"acme-prod","scope":"acme","scope":"*","require":{}}')
    assert.equal(dup.status, 400, 'a duplicate key is refused')
    const other = await r.call('root', 'PUT', '/api/v1/policies/another', prod())
    assert.equal(other.status, 400)
    assert.equal(other.body.errors[0].detail.field, 'name')
    assert.equal((await r.call('root', 'GET', '/api/v1/policies/acme-prod')).status, 404, 'nothing was stored')
  })

  it('stores, replaces, reads and deletes a namespace policy as its admin; one policy per scope', async () => {
    const created = await r.call('orgadmin', 'PUT', '/api/v1/policies/acme-prod', prod())
    assert.equal(created.status, 201, created.text)
    assert.equal(created.body.source, 'stored')
    assert.equal(created.body.updatedBy, 'orgadmin')
    const replaced = await r.call('orgadmin', 'PUT', '/api/v1/policies/acme-prod', prod({ mode: 'audit' }))
    assert.equal(replaced.status, 200, replaced.text)
    assert.equal((await r.call('orgadmin', 'GET', '/api/v1/policies/acme-prod')).body.mode, 'audit')
    const clash = await r.call('orgadmin', 'PUT', '/api/v1/policies/acme-two', { name: 'acme-two', scope: 'acme/', require: {} })
    assert.equal(clash.status, 409, clash.text)
    assert.match(clash.text, /acme-prod/)
    const mine = await r.call('orgadmin', 'GET', '/api/v1/policies')
    assert.deepEqual(mine.body.policies.map((p: any) => p.name), ['acme-prod'], 'the global policy is not the namespace admin\'s to manage')
    assert.equal((await r.call('orgadmin', 'DELETE', '/api/v1/policies/acme-prod')).status, 204)
    assert.equal((await r.call('orgadmin', 'GET', '/api/v1/policies/acme-prod')).status, 404)
    assert.equal((await r.call('orgadmin', 'DELETE', '/api/v1/policies/acme-prod')).status, 404)
  })

  it('a stored policy of the same scope overrides a config policy', async () => {
    const put = await r.call('root', 'PUT', '/api/v1/policies/baseline', { ...CONFIG_POLICY, mode: 'enforce' })
    assert.equal(put.status, 201, put.text)
    const list = (await r.call('root', 'GET', '/api/v1/policies')).body.policies
    assert.deepEqual(list.map((p: any) => [p.name, p.source, p.overriddenBy]), [['baseline', 'stored', undefined], ['baseline', 'config', 'baseline']])
    assert.equal((await r.call('root', 'GET', '/api/v1/policies/baseline')).body.source, 'stored')
    const moved = await r.call('root', 'PUT', '/api/v1/policies/baseline', { ...CONFIG_POLICY, scope: 'other' })
    assert.equal(moved.status, 409, 'a config policy\'s name keeps its scope')
    assert.equal((await r.call('root', 'DELETE', '/api/v1/policies/baseline')).status, 204, 'the stored override can be deleted')
    assert.equal((await r.call('root', 'GET', '/api/v1/policies/baseline')).body.source, 'config')
  })

  it('nobody without admin on the namespace changes its policy; `*` is for server admins; moving needs both', async () => {
    const acme = prod({ name: 'perm-acme' })
    assert.equal((await r.call(undefined, 'PUT', '/api/v1/policies/perm-acme', acme)).status, 401)
    assert.equal((await r.call('writer', 'PUT', '/api/v1/policies/perm-acme', acme)).status, 403)
    assert.equal((await r.call('orgadmin', 'PUT', '/api/v1/policies/perm-all', { name: 'perm-all', scope: 'acme-labs', require: {} })).status, 403)
    assert.equal((await r.call('orgadmin', 'PUT', '/api/v1/policies/perm-star', { name: 'perm-star', scope: '*', require: {} })).status, 403)
    assert.equal((await r.call('orgadmin', 'PUT', '/api/v1/policies/perm-acme', acme)).status, 201)
    assert.equal((await r.call('writer', 'GET', '/api/v1/policies/perm-acme')).status, 403)
    assert.equal((await r.call('writer', 'DELETE', '/api/v1/policies/perm-acme')).status, 403)
    assert.deepEqual((await r.call('writer', 'GET', '/api/v1/policies')).body.policies, [])
    // root's policy on `other`, which orgadmin may not touch, cannot be moved into acme by orgadmin.
    assert.equal((await r.call('root', 'PUT', '/api/v1/policies/perm-other', { name: 'perm-other', scope: 'other', require: {} })).status, 201)
    assert.equal((await r.call('orgadmin', 'PUT', '/api/v1/policies/perm-other', { name: 'perm-other', scope: 'acme/app', require: {} })).status, 403)
    assert.equal((await r.call('root', 'GET', '/api/v1/policies/perm-other')).body.scope, 'other')
    assert.equal((await r.call('orgadmin', 'PUT', '/api/v1/policies/perm-acme', { ...acme, scope: 'other' })).status, 403, 'nor its own out of acme')
    assert.equal((await r.call('root', 'GET', '/api/v1/policies/perm-acme')).body.scope, 'acme')
  })

  it('exemptions: reason and expiry required, expiry bounded by policy.maxExemption, unknown images refused', async () => {
    const path = `/api/v1/repositories/acme/app/images/${r.digest}/exemptions`
    const noReason = await r.call('orgadmin', 'POST', path, { expiresIn: '1h' })
    assert.equal(noReason.status, 400)
    assert.equal(noReason.body.errors[0].detail.field, 'reason')
    const noExpiry = await r.call('orgadmin', 'POST', path, { reason: 'INC-7 hotfix' })
    assert.equal(noExpiry.status, 400)
    assert.equal(noExpiry.body.errors[0].detail.field, 'expiresIn')
    const tooLong = await r.call('orgadmin', 'POST', path, { reason: 'INC-7 hotfix', expiresIn: '13h' })
    assert.equal(tooLong.status, 400, tooLong.text)
    assert.match(tooLong.text, /at most 12h/)
    const garbage = await r.call('orgadmin', 'POST', path, { reason: 'INC-7 hotfix', expiresIn: 'soon' })
    assert.equal(garbage.status, 400)
    const ghost = await r.call('orgadmin', 'POST', `/api/v1/repositories/acme/app/images/sha256:${'0'.repeat(64)}/exemptions`, { reason: 'x', expiresIn: '1h' })
    assert.equal(ghost.status, 404, ghost.text)
    assert.equal((await r.call('writer', 'POST', path, { reason: 'x', expiresIn: '1h' })).status, 403, 'push rights are not enough')
    assert.equal((await r.call(undefined, 'POST', path, { reason: 'x', expiresIn: '1h' })).status, 401)
    assert.equal((await r.call('orgadmin', 'GET', '/api/v1/repositories/acme/app/exemptions')).body.exemptions.length, 0, 'nothing refused was stored')
  })

  it('grants (a tag resolves to its digest), lists and revokes an exemption, audited with the actor', async () => {
    const created = await r.call('orgadmin', 'POST', '/api/v1/repositories/acme/app/images/v1/exemptions', { reason: 'INC-7 hotfix', expiresIn: '4h' })
    assert.equal(created.status, 201, created.text)
    const e = created.body
    assert.equal(e.digest, r.digest)
    assert.equal(e.createdBy, 'orgadmin')
    assert.equal(e.status, 'active')
    assert.equal(Date.parse(e.expiresAt) - Date.parse(e.createdAt), 4 * 3_600_000)
    assert.deepEqual((await r.call('orgadmin', 'GET', '/api/v1/repositories/acme/app/exemptions')).body.exemptions.map((x: any) => [x.id, x.status]), [[e.id, 'active']])
    assert.equal((await r.call('writer', 'GET', '/api/v1/repositories/acme/app/exemptions')).status, 403)
    assert.equal((await r.call('writer', 'DELETE', `/api/v1/repositories/acme/app/exemptions/${e.id}`)).status, 403)
    assert.equal((await r.call('orgadmin', 'DELETE', `/api/v1/repositories/acme/other/exemptions/${e.id}`)).status, 404, 'an id of another repository')
    const revoked = await r.call('orgadmin', 'DELETE', `/api/v1/repositories/acme/app/exemptions/${e.id}`)
    assert.equal(revoked.status, 200, revoked.text)
    assert.equal(revoked.body.status, 'revoked')
    assert.equal(revoked.body.revokedBy, 'orgadmin')
    assert.equal((await r.call('orgadmin', 'DELETE', `/api/v1/repositories/acme/app/exemptions/${e.id}`)).body.revokedAt, revoked.body.revokedAt, 'revoking twice keeps the first')
    const events = async (action: string) => (await r.call('root', 'GET', `/api/v1/audit?action=${action}`)).body.events as any[]
    const [create] = await events('policy.exemption.create')
    assert.equal(create.actor, 'orgadmin')
    assert.equal(create.repository, 'acme/app')
    assert.equal(create.detail.id, e.id)
    assert.equal((await events('policy.exemption.revoke')).length, 1)
    assert.ok((await events('policy.put')).some((x) => x.actor === 'orgadmin' && x.detail.name === 'acme-prod'))
    assert.ok((await events('policy.delete')).some((x) => x.detail.name === 'acme-prod'))
  })
})
