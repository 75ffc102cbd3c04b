/**
 * The MetadataStore conformance suite, written against store.ts only so that any backend
 * (SQLite now, PostgreSQL later) runs the same cases:
 *   runMetadataSuite('sqlite', async () => ({ store, cleanup }))
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf, type Digest } from '../../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../../oci/reference.ts'
import type { ManifestRecord, MetadataStore, OpenWindow } from '../store.ts'
import { authSuiteCases } from './auth-suite.ts'
import { runScanSuite } from './scan-suite.ts'
import { runGcSuite } from './gc-suite.ts'
import { runSettingsSuite } from './settings-suite.ts'
import { runLifecycleSuite } from './lifecycle-suite.ts'
import { runPolicySuite } from './policy-suite.ts'
import { runAccessKeySuite } from './access-key-suite.ts'
import { runPullSuite } from './pull-suite.ts'
import { runWebhookSuite } from './webhook-suite.ts'
import { runLifecyclePreviewSuite } from './lifecycle-preview-suite.ts'

export interface StoreFixture {
  readonly store: MetadataStore
  cleanup(): Promise<void>
}

const repo = (s: string): RepositoryName => s as RepositoryName
const tag = (s: string): Tag => s as Tag
const d = (s: string): Digest => digestOf(s)
const at = new Date('2026-01-01T00:00:00Z')

function manifest(r: string, content: string, extra: Partial<ManifestRecord> = {}): ManifestRecord {
  return { repo: repo(r), digest: d(content), mediaType: 'application/vnd.oci.image.manifest.v1+json', size: content.length, pushedAt: at, ...extra }
}

export function runMetadataSuite(name: string, make: () => Promise<StoreFixture>): void {
  const withStore = (fn: (s: MetadataStore) => Promise<void>) => async () => {
    const fx = await make()
    try {
      await fn(fx.store)
    } finally {
      await fx.cleanup()
    }
  }

  describe(`metadata suite: ${name}`, () => {
    it('creates repositories idempotently and lists them lexically with n/last', withStore(async (s) => {
      for (const n of ['b/x', 'a', 'c', 'b']) await s.repositories.ensure(repo(n), at)
      await s.repositories.ensure(repo('a'), at)
      assert.equal(await s.repositories.exists(repo('a')), true)
      assert.equal(await s.repositories.exists(repo('zz')), false)
      assert.deepEqual(await s.repositories.list({ n: 10 }), ['a', 'b', 'b/x', 'c'])
      assert.deepEqual(await s.repositories.list({ n: 2, last: repo('a') }), ['b', 'b/x'])
    }))

    it('links blobs per repository and finds them anywhere', withStore(async (s) => {
      await s.blobs.link(repo('one'), d('x'), 5, at)
      await s.blobs.link(repo('one'), d('x'), 5, at)
      assert.deepEqual(await s.blobs.get(repo('one'), d('x')), { size: 5 })
      assert.equal(await s.blobs.get(repo('two'), d('x')), undefined)
      assert.deepEqual(await s.blobs.findAnywhere(d('x')), { repo: 'one', size: 5 })
      assert.equal(await s.blobs.findAnywhere(d('y')), undefined)
      assert.equal(await s.repositories.exists(repo('one')), true, 'linking creates the repository')
      assert.equal(await s.blobs.unlink(repo('one'), d('x')), true)
      assert.equal(await s.blobs.unlink(repo('one'), d('x')), false)
    }))

    it('stores manifests with their referrer fields, and delete removes their tags', withStore(async (s) => {
      const m = manifest('r', 'm1', { artifactType: 'application/x', subject: d('subj'), annotations: { k: 'v' } })
      await s.manifests.put(m)
      await s.manifests.put(m)
      assert.deepEqual(await s.manifests.get(repo('r'), m.digest), m)
      await s.tags.put(repo('r'), tag('v1'), m.digest, at)
      assert.equal(await s.manifests.delete(repo('r'), m.digest), true)
      assert.equal(await s.manifests.get(repo('r'), m.digest), undefined)
      assert.equal(await s.tags.resolve(repo('r'), tag('v1')), undefined)
      assert.equal(await s.manifests.delete(repo('r'), m.digest), false)
    }))

    it('lists referrers of a subject, filtered by artifactType, only in the same repository', withStore(async (s) => {
      await s.manifests.put(manifest('r', 'sig', { artifactType: 'application/sig', subject: d('img') }))
      await s.manifests.put(manifest('r', 'sbom', { artifactType: 'application/sbom', subject: d('img') }))
      await s.manifests.put(manifest('r', 'other', { artifactType: 'application/sig', subject: d('img2') }))
      await s.manifests.put(manifest('q', 'sig-q', { artifactType: 'application/sig', subject: d('img') }))
      const all = await s.referrers.list(repo('r'), d('img'))
      assert.deepEqual(all.map((m) => m.digest).sort(), [d('sig'), d('sbom')].sort())
      const sigs = await s.referrers.list(repo('r'), d('img'), 'application/sig')
      assert.deepEqual(sigs.map((m) => m.digest), [d('sig')])
      assert.deepEqual(await s.referrers.list(repo('r'), d('none')), [])
    }))

    it('moves tags and lists them lexically with n/last', withStore(async (s) => {
      for (const t of ['b', 'A', 'a', '1.0', 'latest']) await s.tags.put(repo('r'), tag(t), d(t), at)
      await s.tags.put(repo('r'), tag('latest'), d('new'), at)
      assert.equal(await s.tags.resolve(repo('r'), tag('latest')), d('new'))
      assert.deepEqual(await s.tags.list(repo('r'), { n: 100 }), ['1.0', 'A', 'a', 'b', 'latest'])
      assert.deepEqual(await s.tags.list(repo('r'), { n: 2, last: tag('A') }), ['a', 'b'])
      assert.equal(await s.tags.delete(repo('r'), tag('b')), true)
      assert.equal(await s.tags.delete(repo('r'), tag('b')), false)
    }))

    it('lists the manifests of one repository in digest order with n/last', withStore(async (s) => {
      const digests = ['a', 'b', 'c', 'd', 'e'].map((x) => manifest('r', x).digest).sort()
      for (const x of ['a', 'b', 'c', 'd', 'e']) await s.manifests.put(manifest('r', x))
      await s.manifests.put(manifest('q', 'other'))
      const first = await s.manifests.list(repo('r'), { n: 3 })
      assert.deepEqual(first.map((m) => m.digest), digests.slice(0, 3))
      assert.equal(first[0]?.repo, 'r')
      const rest = await s.manifests.list(repo('r'), { n: 3, last: first[2]?.digest as Digest })
      assert.deepEqual(rest.map((m) => m.digest), digests.slice(3))
      assert.deepEqual(await s.manifests.list(repo('none'), { n: 3 }), [])
    }))

    it('lists the tags of a digest, bounded', withStore(async (s) => {
      for (const t of ['latest', '12', 'stable']) await s.tags.put(repo('r'), tag(t), d('img'), at)
      await s.tags.put(repo('r'), tag('other'), d('else'), at)
      await s.tags.put(repo('q'), tag('x'), d('img'), at)
      assert.deepEqual(await s.tags.ofDigest(repo('r'), d('img'), 10), ['12', 'latest', 'stable'])
      assert.deepEqual(await s.tags.ofDigest(repo('r'), d('img'), 2), ['12', 'latest'])
      assert.deepEqual(await s.tags.ofDigest(repo('r'), d('none'), 10), [])
    }))

    it('finds manifests by layer chain across repositories, in the order of the chains asked, bounded', withStore(async (s) => {
      await s.manifests.put(manifest('lib/base', 'base', { layerChain: 'chain-1' }))
      await s.manifests.put(manifest('other/base', 'base', { layerChain: 'chain-1' }))
      await s.manifests.put(manifest('lib/mid', 'mid', { layerChain: 'chain-2' }))
      await s.manifests.put(manifest('lib/index', 'index'))
      assert.equal((await s.manifests.get(repo('lib/base'), d('base')))?.layerChain, 'chain-1')
      assert.equal((await s.manifests.get(repo('lib/index'), d('index')))?.layerChain, undefined)
      const found = async (chains: string[], limit: number) => (await s.manifests.withLayerChains(chains, limit)).map((m) => `${m.repo}@${m.layerChain}`)
      assert.deepEqual(await found(['chain-2', 'chain-1'], 10), ['lib/mid@chain-2', 'lib/base@chain-1', 'other/base@chain-1'])
      assert.deepEqual(await found(['chain-2', 'chain-1'], 2), ['lib/mid@chain-2', 'lib/base@chain-1'])
      assert.deepEqual(await found(['chain-9'], 10), [])
      // A re-push of a manifest stored without a chain fills it; deleting the manifest forgets it.
      await s.manifests.put(manifest('lib/old', 'old'))
      await s.manifests.put(manifest('lib/old', 'old', { layerChain: 'chain-3' }))
      assert.deepEqual(await found(['chain-3'], 10), ['lib/old@chain-3'])
      await s.manifests.delete(repo('lib/old'), d('old'))
      assert.deepEqual(await found(['chain-3'], 10), [])
    }))

    it('tracks upload sessions and finds stale ones', withStore(async (s) => {
      const old = new Date('2026-01-01T00:00:00Z')
      const fresh = new Date('2026-01-02T00:00:00Z')
      const window = (touched: Date, started = old): OpenWindow => ({ touchedSince: touched, startedSince: started })
      await s.uploads.create({ id: 'u1', repo: repo('r'), offset: 0, startedAt: old, updatedAt: old })
      await s.uploads.create({ id: 'u2', repo: repo('r'), offset: 0, startedAt: old, updatedAt: old, owner: 'alice' })
      await s.uploads.setOffset('u2', 42, fresh)
      assert.equal((await s.uploads.get('u2'))?.offset, 42)
      assert.equal((await s.uploads.get('u2'))?.owner, 'alice')
      assert.equal((await s.uploads.get('u1'))?.owner, undefined)
      assert.deepEqual((await s.uploads.listStale(window(new Date('2026-01-01T12:00:00Z')), 10)).map((u) => u.id), ['u1'])
      await s.uploads.create({ id: 'u3', repo: repo('other'), offset: 0, startedAt: fresh, updatedAt: fresh, owner: 'alice' })
      assert.deepEqual(await s.uploads.countActive(window(fresh), repo('r')), { total: 2, repo: 1, owner: 0 })
      assert.deepEqual(await s.uploads.countActive(window(fresh), repo('r'), 'alice'), { total: 2, repo: 1, owner: 2 })
      assert.deepEqual(await s.uploads.countActive(window(old), repo('r'), 'bob'), { total: 3, repo: 2, owner: 0 })
      assert.deepEqual(await s.uploads.countActive(window(fresh), repo('none')), { total: 2, repo: 0, owner: 0 })
      // Touched recently but started before the absolute cut-off: stale, and not counted.
      assert.deepEqual((await s.uploads.listStale(window(old, fresh), 10)).map((u) => u.id).sort(), ['u1', 'u2'])
      assert.deepEqual(await s.uploads.countActive(window(fresh, fresh), repo('r'), 'alice'), { total: 1, repo: 0, owner: 1 })
      assert.equal(await s.uploads.delete('u1'), true)
      assert.equal(await s.uploads.get('u1'), undefined)
    }))

    it('rolls back a failed transaction and serializes concurrent ones', withStore(async (s) => {
      await assert.rejects(
        s.transaction(async (tx) => {
          await tx.tags.put(repo('r'), tag('t'), d('x'), at)
          throw new Error('boom')
        }),
        /boom/,
      )
      assert.equal(await s.tags.resolve(repo('r'), tag('t')), undefined)
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.transaction(async (tx) => {
            await tx.tags.put(repo('r'), tag(`t${i}`), d(String(i)), at)
            await new Promise((r) => setTimeout(r, 1))
            await tx.blobs.link(repo('r'), d(String(i)), i, at)
          }),
        ),
      )
      assert.equal((await s.tags.list(repo('r'), { n: 100 })).length, 10)
      await s.ping()
    }))

    authSuiteCases(withStore)
  })
  runScanSuite(name, withStore)
  runGcSuite(name, withStore)
  runSettingsSuite(name, withStore)
  runLifecycleSuite(name, withStore)
  runPolicySuite(name, withStore)
  runAccessKeySuite(name, withStore)
  runPullSuite(name, withStore)
  runWebhookSuite(name, withStore)
  runLifecyclePreviewSuite(name, withStore)
}
