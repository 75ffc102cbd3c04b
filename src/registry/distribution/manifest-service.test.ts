import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf, type Digest } from '../../oci/digest.ts'
import { isRegistryError } from '../../oci/errors.ts'
import { MediaType } from '../../oci/media-types.ts'
import { parseManifest } from '../../oci/manifest.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import { fakeClock } from '../ports.ts'
import { MemoryDriver } from '../storage/memory/memory-driver.ts'
import { BlobService } from './blob-service.ts'
import { effectiveArtifactType, ManifestService } from './manifest-service.ts'
import { ReferrersService } from './referrers-service.ts'
import { TagService } from './tag-service.ts'

const repo = 'svc/m' as RepositoryName

async function setup() {
  const store = new SqliteStore(':memory:')
  const clock = fakeClock()
  const blobs = new BlobService({ driver: new MemoryDriver(), store, clock })
  const manifests = new ManifestService({ store, blobs, clock })
  const cfg = '{}'
  const cfgDigest = digestOf(cfg)
  await blobs.putSmall(repo, cfgDigest, new TextEncoder().encode(cfg))
  const manifest = (extra: Record<string, unknown> = {}): Buffer => Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociEmpty, digest: cfgDigest, size: 2 }, layers: [], ...extra,
  }))
  return { store, blobs, manifests, manifest, tags: new TagService(store), referrers: new ReferrersService(store) }
}

const tagRef = (t: string) => ({ kind: 'tag' as const, tag: t as Tag })
const digestRef = (d: Digest) => ({ kind: 'digest' as const, digest: d })

describe('ManifestService, TagService, ReferrersService', () => {
  it('puts, resolves, tags and deletes', async () => {
    const { manifests, manifest, tags } = await setup()
    const body = manifest()
    const { digest } = await manifests.put(repo, tagRef('v1'), body)
    assert.equal(digest, digestOf(body))
    const rec = await manifests.resolve(repo, tagRef('v1'))
    assert.equal(rec.digest, digest)
    assert.equal((await manifests.content(rec)).equals(body), true)
    assert.deepEqual((await tags.list(repo, undefined)).items, ['v1'])
    await manifests.delete(repo, tagRef('v1'))
    await assert.rejects(manifests.resolve(repo, tagRef('v1')), (e: unknown) => isRegistryError(e, 'MANIFEST_UNKNOWN'))
    assert.equal((await manifests.resolve(repo, digestRef(digest))).digest, digest, 'deleting a tag keeps the manifest')
    await assert.rejects(manifests.resolve('svc/none' as RepositoryName, tagRef('v1')), (e: unknown) => isRegistryError(e, 'NAME_UNKNOWN'))
  })

  it('indexes subjects for the referrers service, with artifactType fallbacks', async () => {
    const { manifests, manifest, referrers } = await setup()
    const subject = { mediaType: MediaType.ociManifest, digest: digestOf('subject'), size: 7 }
    const a = await manifests.put(repo, tagRef('a'), manifest({ subject, artifactType: 'application/x.sig' }))
    const b = await manifests.put(repo, tagRef('b'), manifest({ subject, annotations: { k: 'v' } }))
    assert.equal(a.subject, subject.digest)
    const index = await referrers.list(repo, subject.digest)
    assert.equal(index.mediaType, MediaType.ociIndex)
    const byDigest = new Map(index.manifests.map((m) => [m.digest, m]))
    assert.equal(byDigest.get(a.digest)?.artifactType, 'application/x.sig')
    assert.equal(byDigest.get(b.digest)?.artifactType, MediaType.ociEmpty)
    assert.deepEqual(byDigest.get(b.digest)?.annotations, { k: 'v' })
    assert.equal((await referrers.list(repo, subject.digest, 'application/x.sig')).manifests.length, 1)
    const idx = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] })))
    assert.equal(effectiveArtifactType(idx), undefined)
  })

  it('paginates tags with a next marker only when more remain', async () => {
    const { manifests, manifest, tags } = await setup()
    for (const t of ['c', 'a', 'b']) await manifests.put(repo, tagRef(t), manifest())
    assert.deepEqual(await tags.list(repo, 2), { items: ['a', 'b'], next: 'b' })
    assert.deepEqual(await tags.list(repo, 2, 'b' as Tag), { items: ['c'] })
    assert.deepEqual(await tags.list(repo, 3), { items: ['a', 'b', 'c'] })
  })
})
