/**
 * PullRepo cases of the metadata conformance suite (run by runMetadataSuite for every backend):
 * the stored time only moves forward, whatever order batches arrive in (several replicas), a pull
 * of a manifest that is not stored writes nothing, and deleting a manifest drops its pull time.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { MetadataStore } from '../store.ts'

const repo = 'team/app' as RepositoryName
const other = 'team/other' as RepositoryName
const t0 = new Date('2026-01-01T00:00:00Z')
const t1 = new Date('2026-01-02T00:00:00Z')
const t2 = new Date('2026-01-03T00:00:00Z')
const a = digestOf('a')
const b = digestOf('b')

async function storeManifest(s: MetadataStore, r: RepositoryName, digest: typeof a): Promise<void> {
  await s.manifests.put({ repo: r, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, pushedAt: t0 })
}

export function runPullSuite(name: string, withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  describe(`image pulls suite: ${name}`, () => {
    it('never pulled: absent', withStore(async (s) => {
      await storeManifest(s, repo, a)
      assert.deepEqual(await s.pulls.lastPulled(repo, [a, b]), new Map())
    }))

    it('keeps the latest time per repository and digest, whatever order batches arrive in', withStore(async (s) => {
      await storeManifest(s, repo, a)
      await storeManifest(s, repo, b)
      await storeManifest(s, other, a)
      await s.transaction((tx) => tx.pulls.record([{ repo, digest: a, at: t2 }, { repo, digest: b, at: t0 }]))
      // A second replica's older batch arrives later: it must not move a back.
      await s.transaction((tx) => tx.pulls.record([{ repo, digest: a, at: t1 }, { repo, digest: b, at: t1 }]))
      assert.deepEqual(await s.pulls.lastPulled(repo, [a, b]), new Map([[a, t2], [b, t1]]))
      assert.deepEqual(await s.pulls.lastPulled(other, [a, b]), new Map(), 'per repository')
    }))

    it('a pull of a manifest that is not stored writes nothing; deleting a manifest drops its pull time', withStore(async (s) => {
      await s.pulls.record([{ repo, digest: a, at: t1 }])
      assert.deepEqual(await s.pulls.lastPulled(repo, [a]), new Map())
      await storeManifest(s, repo, a)
      assert.deepEqual(await s.pulls.lastPulled(repo, [a]), new Map(), 'a pull before the push is not kept')
      await s.pulls.record([{ repo, digest: a, at: t1 }])
      assert.deepEqual(await s.pulls.lastPulled(repo, [a]), new Map([[a, t1]]))
      assert.equal(await s.manifests.delete(repo, a), true)
      await storeManifest(s, repo, a)
      assert.deepEqual(await s.pulls.lastPulled(repo, [a]), new Map(), 'pushed again: never pulled since')
    }))
  })
}
