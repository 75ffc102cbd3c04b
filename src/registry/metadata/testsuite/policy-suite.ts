/**
 * PolicyRepo cases of the metadata conformance suite (run by runMetadataSuite for every backend):
 * policies round-trip by name with one policy per scope, exemptions are revoked (never deleted)
 * and count only while unrevoked and unexpired, and every change, only a change, moves the
 * generation, atomically with the change.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PolicyExemption } from '../../policy/policy-source.ts'
import type { MetadataStore } from '../store.ts'

const t0 = new Date('2026-01-01T00:00:00Z')
const t1 = new Date('2026-01-01T01:00:00Z')
const digest = `sha256:${'a'.repeat(64)}`

function exemption(id: string, extra: Partial<PolicyExemption> = {}): PolicyExemption {
  return {
    id, repository: 'acme/app', digest, reason: 'hotfix for INC-7', createdBy: 'root',
    createdAt: t0.toISOString(), expiresAt: new Date(t0.getTime() + 4 * 3_600_000).toISOString(), ...extra,
  }
}

export function runPolicySuite(name: string, withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  describe(`deploy policy suite: ${name}`, () => {
    it('stores policies by name with their text and scope; a put replaces and keeps createdAt', withStore(async (s) => {
      assert.deepEqual(await s.policies.list(), [])
      assert.equal(await s.policies.put({ name: 'prod', scope: 'acme', text: '{"v":1}', by: 'root' }, t0), 'created')
      assert.equal(await s.policies.put({ name: 'base', scope: '*', text: '{"v":0}', by: 'root' }, t0), 'created')
      assert.equal(await s.policies.put({ name: 'prod', scope: 'acme/app', text: '{"v":2}', by: 'alice' }, t1), 'replaced')
      assert.deepEqual(await s.policies.get('prod'), { name: 'prod', scope: 'acme/app', text: '{"v":2}', createdAt: t0, updatedAt: t1, updatedBy: 'alice' })
      assert.deepEqual((await s.policies.list()).map((p) => p.name), ['base', 'prod'])
      assert.equal(await s.policies.get('nope'), undefined)
    }))

    it('refuses a second policy for a scope', withStore(async (s) => {
      await s.policies.put({ name: 'one', scope: 'acme', text: '{}', by: 'root' }, t0)
      await assert.rejects(s.policies.put({ name: 'two', scope: 'acme', text: '{}', by: 'root' }, t0))
      assert.equal(await s.policies.get('two'), undefined)
    }))

    it('deletes a policy once', withStore(async (s) => {
      await s.policies.put({ name: 'gone', scope: 'acme', text: '{}', by: 'root' }, t0)
      assert.equal(await s.policies.delete('gone'), true)
      assert.equal(await s.policies.delete('gone'), false)
      assert.equal(await s.policies.get('gone'), undefined)
    }))

    it('an exemption counts while unrevoked and before its expiry, for its digest and repository only', withStore(async (s) => {
      await s.policies.addExemption(exemption('e1'))
      assert.deepEqual(await s.policies.activeExemption('acme/app', digest, t1), exemption('e1'))
      assert.equal(await s.policies.activeExemption('acme/app', digest, new Date(t0.getTime() + 4 * 3_600_000)), undefined, 'expired at expiresAt')
      assert.equal(await s.policies.activeExemption('acme/other', digest, t1), undefined)
      assert.equal(await s.policies.activeExemption('acme/app', `sha256:${'b'.repeat(64)}`, t1), undefined)
      assert.equal(await s.policies.revokeExemption('e1', 'orgadmin', t1), true)
      assert.equal(await s.policies.revokeExemption('e1', 'orgadmin', t1), false, 'already revoked')
      assert.equal(await s.policies.revokeExemption('missing', 'orgadmin', t1), false)
      assert.equal(await s.policies.activeExemption('acme/app', digest, t1), undefined)
      assert.deepEqual(await s.policies.exemption('e1'), { ...exemption('e1'), revokedAt: t1.toISOString(), revokedBy: 'orgadmin' })
    }))

    it('lists a repository\'s exemptions newest first, revoked ones included, up to a limit', withStore(async (s) => {
      await s.policies.addExemption(exemption('old'))
      await s.policies.addExemption(exemption('new', { createdAt: t1.toISOString() }))
      await s.policies.addExemption(exemption('elsewhere', { repository: 'other/x' }))
      await s.policies.revokeExemption('old', 'root', t1)
      assert.deepEqual((await s.policies.exemptions('acme/app', 10)).map((e) => e.id), ['new', 'old'])
      assert.deepEqual((await s.policies.exemptions('acme/app', 1)).map((e) => e.id), ['new'])
    }))

    it('every change, and only a change, moves the generation', withStore(async (s) => {
      const g0 = await s.policies.generation()
      await s.policies.put({ name: 'p', scope: 'acme', text: '{}', by: 'root' }, t0)
      const g1 = await s.policies.generation()
      assert.notEqual(g1, g0)
      await s.policies.delete('missing')
      await s.policies.revokeExemption('missing', 'root', t1)
      assert.equal(await s.policies.generation(), g1, 'no change, same generation')
      await s.policies.addExemption(exemption('e'))
      const g2 = await s.policies.generation()
      assert.notEqual(g2, g1)
      await s.policies.revokeExemption('e', 'root', t1)
      const g3 = await s.policies.generation()
      assert.notEqual(g3, g2)
      await s.policies.delete('p')
      assert.notEqual(await s.policies.generation(), g3)
    }))

    it('a change and its generation roll back together', withStore(async (s) => {
      const g0 = await s.policies.generation()
      await assert.rejects(s.transaction(async (tx) => {
        await tx.policies.put({ name: 'p', scope: 'acme', text: '{}', by: 'root' }, t0)
        throw new Error('abort')
      }), /abort/)
      assert.equal(await s.policies.get('p'), undefined)
      assert.equal(await s.policies.generation(), g0)
      await s.policies.put({ name: 'q', scope: 'acme', text: '{}', by: 'root' }, t0)
      await assert.rejects(s.policies.put({ name: 'r', scope: 'acme', text: '{}', by: 'root' }, t0))
      const g1 = await s.policies.generation()
      assert.equal(await s.policies.get('r'), undefined)
      await s.policies.put({ name: 'q', scope: 'acme', text: '{"again":1}', by: 'root' }, t1)
      assert.notEqual(await s.policies.generation(), g1, 'the refused put did not leave the store half-changed')
    }))
  })
}
