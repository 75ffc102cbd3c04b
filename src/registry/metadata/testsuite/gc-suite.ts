/**
 * GcRepo cases of the metadata conformance suite (run by runMetadataSuite for every backend): the
 * store's half of the garbage collection protocol (gc-store.ts).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf, type Digest } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { MetadataStore } from '../store.ts'

const repo = 'team/app' as RepositoryName
const other = 'team/other' as RepositoryName
const t0 = new Date('2026-01-01T00:00:00Z')
const after = (ms: number): Date => new Date(t0.getTime() + ms)

export function runGcSuite(name: string, withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  describe(`gc suite: ${name}`, () => {
    it('claim: refuses a blob linked, pinned or stored as a manifest since the cutoff; takes an old one and removes all its links', withStore(async (s) => {
      const old = digestOf('old')
      const recentLink = digestOf('recent-link')
      const pinned = digestOf('pinned')
      const manifest = digestOf('manifest')
      await s.blobs.link(repo, old, 3, t0)
      await s.blobs.link(other, old, 3, t0)
      await s.blobs.link(repo, recentLink, 3, after(5000))
      await s.blobs.link(repo, pinned, 3, t0)
      assert.equal(await s.gc.pin(pinned, after(5000)), true)
      await s.blobs.link(repo, manifest, 3, t0)
      await s.manifests.put({ repo, digest: manifest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 3, pushedAt: t0 })
      const cutoff = after(1000)
      for (const d of [recentLink, pinned, manifest]) {
        assert.equal(await s.gc.isLive(d, cutoff), true)
      }
      assert.equal(await s.gc.isLive(old, cutoff), false)
      assert.deepEqual(await s.transaction((tx) => tx.gc.claim([recentLink, old, pinned, manifest], cutoff, 'run', after(6000))), [undefined, 2, undefined, undefined])
      assert.equal(await s.blobs.get(repo, old), undefined)
      assert.equal(await s.blobs.findAnywhere(old), undefined)
      assert.deepEqual((await s.gc.deletions(10)).map((x) => [x.digest, x.runId]), [[old, 'run']])
      assert.equal(await s.gc.isLive(old, cutoff), true, 'being deleted counts as taken')
      assert.deepEqual(await s.transaction((tx) => tx.gc.claim([old], cutoff, 'run2', after(6000))), [undefined], 'not claimed twice')
    }))

    it('pin and pinLinked refuse a claimed blob until it is released', withStore(async (s) => {
      const d = digestOf('x')
      await s.blobs.link(repo, d, 1, t0)
      assert.deepEqual(await s.transaction((tx) => tx.gc.claim([d], after(1), 'run', after(2))), [1])
      assert.equal(await s.gc.pin(d, after(3)), false)
      assert.equal(await s.gc.pinnedAt(d), undefined)
      await s.blobs.link(repo, d, 1, after(3))
      assert.deepEqual(await s.gc.pinLinked(repo, [d], after(3)), [d], 'a link made despite the tombstone is still refused')
      await s.gc.release([d])
      assert.deepEqual(await s.gc.deletions(10), [])
      assert.equal(await s.gc.pin(d, after(4)), true)
      assert.equal((await s.gc.pinnedAt(d))?.getTime(), after(4).getTime())
    }))

    it('pin keeps the latest time; pinLinked pins linked digests and returns the others; prunePins drops old pins', withStore(async (s) => {
      const a = digestOf('a')
      const b = digestOf('b')
      await s.gc.pin(a, after(10))
      await s.gc.pin(a, after(5))
      assert.equal((await s.gc.pinnedAt(a))?.getTime(), after(10).getTime())
      await s.blobs.link(repo, a, 1, t0)
      await s.blobs.link(other, b, 1, t0)
      assert.deepEqual(await s.gc.pinLinked(repo, [a, b], after(20)), [b], 'b is linked elsewhere only')
      assert.equal((await s.gc.pinnedAt(a))?.getTime(), after(20).getTime())
      assert.equal(await s.gc.pinnedAt(b), undefined)
      assert.equal(await s.gc.prunePins(after(21)), 1)
      assert.equal(await s.gc.pinnedAt(a), undefined)
    }))

    it('lists distinct manifest and linked digests in digest order, paged', withStore(async (s) => {
      const ds = ['1', '2', '3'].map((x) => digestOf(x)).sort()
      for (const d of ds) {
        await s.blobs.link(repo, d, 1, t0)
        await s.blobs.link(other, d, 1, t0)
        await s.manifests.put({ repo, digest: d, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, pushedAt: t0 })
        await s.manifests.put({ repo: other, digest: d, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, pushedAt: t0 })
      }
      assert.deepEqual(await s.gc.manifestDigests({ n: 2 }), ds.slice(0, 2))
      assert.deepEqual(await s.gc.manifestDigests({ n: 2, last: ds[1] as Digest }), ds.slice(2))
      assert.deepEqual(await s.gc.linkedDigests({ n: 10 }), ds)
    }))

    it('lease: one holder at a time; renewable by its holder; free once expired or released', withStore(async (s) => {
      assert.equal(await s.gc.acquireLease('gc', 'a', t0, 1000), true)
      assert.equal(await s.gc.acquireLease('gc', 'b', after(500), 1000), false)
      assert.equal(await s.gc.acquireLease('gc', 'a', after(900), 1000), true, 'renewed until 1900')
      assert.equal(await s.gc.acquireLease('gc', 'b', after(1500), 1000), false)
      assert.equal(await s.gc.acquireLease('gc', 'b', after(1900), 1000), true, 'expired')
      await s.gc.releaseLease('gc', 'a')
      assert.equal(await s.gc.acquireLease('gc', 'c', after(2000), 1000), false, 'a release by a non-holder does nothing')
      await s.gc.releaseLease('gc', 'b')
      assert.equal(await s.gc.acquireLease('gc', 'c', after(2000), 1000), true)
    }))
  })
}
