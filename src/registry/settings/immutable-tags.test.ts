// Tag immutability in the manifest PUT path (ManifestService + RepositorySettingsService over a
// real SQLite store): an immutable tag keeps its digest, the same digest may be pushed again,
// excluded tags and cosign tags move, and the error tells the client why.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf } from '../../oci/digest.ts'
import { isRegistryError, type RegistryError } from '../../oci/errors.ts'
import { MediaType } from '../../oci/media-types.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { BlobService } from '../distribution/blob-service.ts'
import { ManifestService } from '../distribution/manifest-service.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import { fakeClock } from '../ports.ts'
import { MemoryDriver } from '../storage/memory/memory-driver.ts'
import { RepositorySettingsService } from './settings-service.ts'

const repo = 'acme/app' as RepositoryName
const tag = (t: string) => ({ kind: 'tag' as const, tag: t as Tag })

async function setup() {
  const store = new SqliteStore(':memory:')
  const clock = fakeClock()
  const blobs = new BlobService({ driver: new MemoryDriver(), store, clock })
  const settings = new RepositorySettingsService({ store, clock, defaults: { scanOnPush: () => false } })
  const manifests = new ManifestService({ store, blobs, clock, tagPolicy: settings })
  const cfgDigest = digestOf('{}')
  await blobs.putSmall(repo, cfgDigest, new TextEncoder().encode('{}'))
  const manifest = (n: string): Buffer => Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociEmpty, digest: cfgDigest, size: 2 }, layers: [], annotations: { n },
  }))
  return { store, settings, manifests, manifest }
}

describe('immutable tags in the manifest PUT path', () => {
  it('IMMUTABLE: moving a tag is refused with TAG_INVALID naming tag, repository and digest; the same digest again is fine', async () => {
    const { settings, manifests, manifest, store } = await setup()
    await settings.put(repo, { imageTagMutability: 'IMMUTABLE' })
    const first = await manifests.put(repo, tag('v1'), manifest('a'))
    await manifests.put(repo, tag('v1'), manifest('a'))
    await assert.rejects(manifests.put(repo, tag('v1'), manifest('b')), (e: unknown) => {
      assert.ok(isRegistryError(e, 'TAG_INVALID'))
      const err = e as RegistryError
      assert.equal(err.status, 400)
      assert.match(err.message, /tag v1 is immutable in acme\/app/)
      assert.ok(err.message.includes(first.digest), err.message)
      return true
    })
    assert.equal(await store.tags.resolve(repo, 'v1' as Tag), first.digest, 'the tag still points at the first image')
    await manifests.put(repo, tag('v2'), manifest('b'))
  })

  it('exclusions and cosign tags move; MUTABLE (the default) moves everything', async () => {
    const { settings, manifests, manifest, store } = await setup()
    await manifests.put(repo, tag('v1'), manifest('a'))
    await manifests.put(repo, tag('v1'), manifest('b'))
    await settings.put(repo, { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }] })
    await manifests.put(repo, tag('dev-1'), manifest('a'))
    const moved = await manifests.put(repo, tag('dev-1'), manifest('b'))
    assert.equal(await store.tags.resolve(repo, 'dev-1' as Tag), moved.digest)
    const sig = `sha256-${'c'.repeat(64)}.sig`
    await manifests.put(repo, tag(sig), manifest('a'))
    const second = await manifests.put(repo, tag(sig), manifest('b'))
    assert.equal(await store.tags.resolve(repo, sig as Tag), second.digest)
    await assert.rejects(manifests.put(repo, tag('v1'), manifest('a')), (e: unknown) => isRegistryError(e, 'TAG_INVALID'))
  })

  it('MUTABLE_WITH_EXCLUSION freezes only the matching tags', async () => {
    const { settings, manifests, manifest } = await setup()
    await settings.put(repo, { imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }] })
    await manifests.put(repo, tag('latest'), manifest('a'))
    await manifests.put(repo, tag('latest'), manifest('b'))
    await manifests.put(repo, tag('release-1'), manifest('a'))
    await assert.rejects(manifests.put(repo, tag('release-1'), manifest('b')), (e: unknown) => isRegistryError(e, 'TAG_INVALID'))
  })
})
