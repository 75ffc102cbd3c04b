/**
 * LifecycleRepo cases of the metadata conformance suite (run by runMetadataSuite for every
 * backend): an expired manifest is hidden from ManifestRepo.get/list and ReferrerRepo.list but
 * keeps its row for garbage collection; records round-trip; listing, carried manifests and the
 * window query; forget and manifest deletion make the mark go.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf, type Digest } from '../../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../../oci/reference.ts'
import type { ExpiredManifestRecord } from '../lifecycle-store.ts'
import type { ManifestRecord, MetadataStore } from '../store.ts'

const repo = 'team/app' as RepositoryName
const other = 'team/other' as RepositoryName
const t0 = new Date('2026-01-01T00:00:00Z')
const t1 = new Date('2026-01-02T00:00:00Z')
const t2 = new Date('2026-01-03T00:00:00Z')

const manifest = (r: RepositoryName, content: string, extra: Partial<ManifestRecord> = {}): ManifestRecord => ({
  repo: r, digest: digestOf(content), mediaType: 'application/vnd.oci.image.manifest.v1+json', size: content.length, pushedAt: t0, ...extra,
})

const expired = (r: RepositoryName, digest: Digest, at: Date, extra: Partial<ExpiredManifestRecord> = {}): ExpiredManifestRecord => ({
  repo: r, digest, tags: ['v1' as Tag, 'latest' as Tag], expiredAt: at, rulePriority: 1, description: 'keep 1', ...extra,
})

export function runLifecycleSuite(name: string, withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  describe(`lifecycle suite: ${name}`, () => {
    it('an expired manifest is hidden from get, list and referrers, and keeps its row for GC', withStore(async (s) => {
      const image = manifest(repo, 'image')
      const sig = manifest(repo, 'sig', { subject: image.digest, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' })
      await s.manifests.put(image)
      await s.manifests.put(sig)
      await s.lifecycle.expire(expired(repo, image.digest, t1))
      await s.lifecycle.expire(expired(repo, sig.digest, t1, { tags: [], carriedBy: image.digest }))
      assert.equal(await s.manifests.get(repo, image.digest), undefined)
      assert.deepEqual(await s.manifests.list(repo, { n: 10 }), [])
      assert.deepEqual(await s.referrers.list(repo, image.digest), [])
      const live = await s.gc.manifestDigests({ n: 10 })
      assert.ok(live.includes(image.digest) && live.includes(sig.digest), 'GC still sees both manifests')
      assert.equal(await s.lifecycle.forget(repo, sig.digest), true)
      assert.equal(await s.lifecycle.forget(repo, sig.digest), false)
      assert.deepEqual(await s.referrers.list(repo, image.digest), [sig])
    }))

    it('round-trips records; lists images (not carried manifests) by digest, and what each carried', withStore(async (s) => {
      const [a, b, c] = ['a', 'b', 'c'].map((x) => manifest(repo, x))
      for (const m of [a, b, c]) await s.manifests.put(m!)
      const ra = expired(repo, a!.digest, t1)
      const rb = expired(repo, b!.digest, t1, { tags: [], rulePriority: 2 })
      const { description: _omit, ...noDescription } = rb
      const rc = expired(repo, c!.digest, t1, { tags: ['sha256-x.sig' as Tag], carriedBy: a!.digest })
      await s.lifecycle.expire(ra)
      await s.lifecycle.expire(noDescription)
      await s.lifecycle.expire(rc)
      assert.deepEqual(await s.lifecycle.get(repo, a!.digest), ra)
      assert.deepEqual(await s.lifecycle.get(repo, b!.digest), noDescription)
      assert.deepEqual(await s.lifecycle.get(repo, c!.digest), rc)
      assert.equal(await s.lifecycle.get(other, a!.digest), undefined)
      const images = [ra, noDescription].sort((x, y) => (x.digest < y.digest ? -1 : 1))
      assert.deepEqual(await s.lifecycle.listImages(repo, { n: 10 }), images)
      assert.deepEqual(await s.lifecycle.listImages(repo, { n: 1 }), images.slice(0, 1))
      assert.deepEqual(await s.lifecycle.listImages(repo, { n: 10, last: images[0]!.digest }), images.slice(1))
      assert.deepEqual(await s.lifecycle.carried(repo, a!.digest), [rc])
      assert.deepEqual(await s.lifecycle.carried(repo, b!.digest), [])
    }))

    it('expiredBefore: oldest first, strictly before, per repository or everywhere', withStore(async (s) => {
      const a = manifest(repo, 'a')
      const b = manifest(other, 'b')
      await s.manifests.put(a)
      await s.manifests.put(b)
      await s.lifecycle.expire(expired(repo, a.digest, t1))
      await s.lifecycle.expire(expired(other, b.digest, t0))
      assert.deepEqual((await s.lifecycle.expiredBefore(t2, 10)).map((r) => r.repo), [other, repo])
      assert.deepEqual((await s.lifecycle.expiredBefore(t1, 10)).map((r) => r.repo), [other])
      assert.deepEqual((await s.lifecycle.expiredBefore(t2, 1)).map((r) => r.repo), [other])
      assert.deepEqual((await s.lifecycle.expiredBefore(t2, 10, repo)).map((r) => r.digest), [a.digest])
    }))

    it('deleting the manifest forgets the mark; a transaction that fails rolls it back', withStore(async (s) => {
      const a = manifest(repo, 'a')
      await s.manifests.put(a)
      await s.lifecycle.expire(expired(repo, a.digest, t1))
      assert.equal(await s.manifests.delete(repo, a.digest), true)
      assert.equal(await s.lifecycle.get(repo, a.digest), undefined)
      await s.manifests.put(a)
      assert.deepEqual(await s.manifests.get(repo, a.digest), a)
      await assert.rejects(s.transaction(async (tx) => {
        await tx.lifecycle.expire(expired(repo, a.digest, t1))
        throw new Error('abort')
      }), /abort/)
      assert.deepEqual(await s.manifests.get(repo, a.digest), a)
    }))

    it('the last evaluation time only moves forward, per repository, and goes with it', withStore(async (s) => {
      await s.repositories.ensure(repo, t0)
      await s.repositories.ensure(other, t0)
      assert.equal(await s.lifecycle.lastEvaluation(repo), undefined)
      await s.lifecycle.recordEvaluation(repo, t1)
      await s.lifecycle.recordEvaluation(repo, t0)
      assert.deepEqual(await s.lifecycle.lastEvaluation(repo), t1)
      assert.equal(await s.lifecycle.lastEvaluation(other), undefined)
      await s.transaction(async (tx) => void (await tx.repositories.delete(repo)))
      assert.equal(await s.lifecycle.lastEvaluation(repo), undefined)
    }))
  })
}
