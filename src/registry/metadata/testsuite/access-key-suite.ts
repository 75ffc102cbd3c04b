/**
 * AccessKeyRepo cases of the metadata conformance suite (run by runMetadataSuite for every
 * backend), resource tags, and RepositoryRepo.delete (the ECR door's DeleteRepository): keys round-trip with
 * the sealed secret untouched; ids are unique; touch and delete; a repository delete takes its
 * manifests, tags, blob links and settings, and only its own.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf } from '../../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../../oci/reference.ts'
import type { MetadataStore } from '../store.ts'

const t0 = new Date('2026-01-01T00:00:00Z')
const t1 = new Date('2026-01-02T00:00:00Z')

export function runAccessKeySuite(name: string, withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  describe(`access key suite: ${name}`, () => {
    it('round-trips keys, refuses a taken id, lists per owner, touches and deletes', withStore(async (s) => {
      const key = { id: 'DDAKAAAAAAAAAAAAAAAA', owner: 'alice', sealedSecret: 'v1.sealed', createdAt: t0, expiresAt: t1 }
      assert.equal(await s.accessKeys.create(key), true)
      assert.equal(await s.accessKeys.create({ ...key, owner: 'mallory' }), false)
      await s.accessKeys.create({ id: 'DDAKBBBBBBBBBBBBBBBB', owner: 'robot$acme+ci', sealedSecret: 'v1.other', createdAt: t1 })
      assert.deepEqual(await s.accessKeys.get(key.id), key)
      assert.equal(await s.accessKeys.get('DDAKCCCCCCCCCCCCCCCC'), undefined)
      assert.deepEqual((await s.accessKeys.listByOwner('alice')).map((k) => k.id), [key.id])
      assert.deepEqual(await s.accessKeys.listByOwner('robot$acme+ci'), [{ id: 'DDAKBBBBBBBBBBBBBBBB', owner: 'robot$acme+ci', sealedSecret: 'v1.other', createdAt: t1 }])
      await s.accessKeys.touch(key.id, t1)
      assert.deepEqual((await s.accessKeys.get(key.id))?.lastUsedAt, t1)
      assert.equal(await s.accessKeys.delete(key.id), true)
      assert.equal(await s.accessKeys.delete(key.id), false)
      assert.equal(await s.accessKeys.get(key.id), undefined)
    }))

    it('keeps resource tags per repository by key: put replaces a value, remove ignores unknown keys', withStore(async (s) => {
      const r = 'team/app' as RepositoryName
      await s.resourceTags.put(r, [{ key: 'team', value: 'a' }, { key: 'env', value: '' }])
      await s.resourceTags.put(r, [{ key: 'team', value: 'b' }])
      assert.deepEqual(await s.resourceTags.list(r), [{ key: 'env', value: '' }, { key: 'team', value: 'b' }])
      await s.resourceTags.remove(r, ['env', 'nope'])
      assert.deepEqual(await s.resourceTags.list(r), [{ key: 'team', value: 'b' }])
      assert.deepEqual(await s.resourceTags.list('team/other' as RepositoryName), [])
    }))

    it('deletes a repository with its manifests, tags, blob links, settings and resource tags, and nothing else', withStore(async (s) => {
      const gone = 'team/gone' as RepositoryName
      const kept = 'team/kept' as RepositoryName
      const digest = digestOf('m')
      for (const r of [gone, kept]) {
        await s.blobs.link(r, digestOf('layer'), 5, t0)
        await s.manifests.put({ repo: r, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, pushedAt: t0 })
        await s.tags.put(r, 'latest' as Tag, digest, t0)
        await s.repositorySettings.put(r, { scanOnPush: true }, t0)
        await s.resourceTags.put(r, [{ key: 'team', value: 'a' }])
      }
      assert.equal(await s.repositories.delete(gone), true)
      assert.equal(await s.repositories.exists(gone), false)
      assert.equal(await s.manifests.get(gone, digest), undefined)
      assert.equal(await s.tags.resolve(gone, 'latest' as Tag), undefined)
      assert.equal(await s.blobs.get(gone, digestOf('layer')), undefined)
      assert.equal(await s.repositorySettings.get(gone), undefined)
      assert.deepEqual(await s.resourceTags.list(gone), [])
      assert.deepEqual(await s.resourceTags.list(kept), [{ key: 'team', value: 'a' }])
      assert.equal(await s.repositories.delete(gone), false)
      assert.equal(await s.tags.resolve(kept, 'latest' as Tag), digest)
      assert.deepEqual(await s.blobs.get(kept, digestOf('layer')), { size: 5 })
    }))
  })
}
