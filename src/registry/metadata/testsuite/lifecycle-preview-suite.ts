/**
 * LifecyclePreviewRepo cases of the metadata conformance suite (run by runMetadataSuite for every
 * backend): a start replaces the last preview unless one is still running (and not stale), an
 * outcome lands only on the preview it belongs to, and the row goes with its repository.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { MetadataStore } from '../store.ts'

const repo = 'team/app' as RepositoryName
const t0 = new Date('2026-01-01T00:00:00Z')
const later = (ms: number) => new Date(t0.getTime() + ms)
const POLICY = '{"rules":[]}'

export function runLifecyclePreviewSuite(name: string, withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  describe(`lifecycle preview suite: ${name}`, () => {
    it('start, then finish: the record says what ran and what came out', withStore(async (s) => {
      await s.repositories.ensure(repo, t0)
      assert.equal(await s.lifecyclePreviews.get(repo), undefined)
      assert.equal(await s.lifecyclePreviews.start(repo, POLICY, t0, later(-60_000)), true)
      assert.deepEqual(await s.lifecyclePreviews.get(repo), { repo, status: 'IN_PROGRESS', policyText: POLICY, startedAt: t0 })
      assert.equal(await s.lifecyclePreviews.finish(repo, t0, { status: 'COMPLETE', at: later(5), result: '{"expired":[]}' }), true)
      assert.deepEqual(await s.lifecyclePreviews.get(repo), { repo, status: 'COMPLETE', policyText: POLICY, startedAt: t0, finishedAt: later(5), result: '{"expired":[]}' })
      assert.equal(await s.lifecyclePreviews.finish(repo, t0, { status: 'FAILED', at: later(6), description: 'twice' }), false, 'finished once')
    }))

    it('a running preview refuses a second start until it is stale; a finished one is replaced', withStore(async (s) => {
      await s.repositories.ensure(repo, t0)
      assert.equal(await s.lifecyclePreviews.start(repo, POLICY, t0, later(-60_000)), true)
      assert.equal(await s.lifecyclePreviews.start(repo, `${POLICY} `, later(10), later(-60_000)), false, 'busy')
      assert.equal((await s.lifecyclePreviews.get(repo))?.policyText, POLICY)
      // Its process died: after the stale bound, a start takes over, and the old outcome is dropped.
      assert.equal(await s.lifecyclePreviews.start(repo, `${POLICY} `, later(120_000), later(1)), true)
      assert.equal(await s.lifecyclePreviews.finish(repo, t0, { status: 'COMPLETE', at: later(120_001), result: '{}' }), false)
      assert.equal(await s.lifecyclePreviews.finish(repo, later(120_000), { status: 'FAILED', at: later(120_002), description: 'bad' }), true)
      assert.equal(await s.lifecyclePreviews.start(repo, POLICY, later(130_000), later(129_000)), true, 'a finished preview never blocks')
      const r = await s.lifecyclePreviews.get(repo)
      assert.deepEqual([r?.status, r?.description, r?.finishedAt], ['IN_PROGRESS', undefined, undefined])
    }))

    it('goes with its repository', withStore(async (s) => {
      await s.repositories.ensure(repo, t0)
      await s.lifecyclePreviews.start(repo, POLICY, t0, t0)
      await s.transaction(async (tx) => void (await tx.repositories.delete(repo)))
      assert.equal(await s.lifecyclePreviews.get(repo), undefined)
    }))
  })
}
