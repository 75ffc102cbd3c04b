// ManifestService.untagImage: ECR's "removing the last tag of an image deletes the image".
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { digestOf } from '../../oci/digest.ts'
import { MediaType } from '../../oci/media-types.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import { fakeClock } from '../ports.ts'
import { MemoryDriver } from '../storage/memory/memory-driver.ts'
import { BlobService } from './blob-service.ts'
import { ManifestService } from './manifest-service.ts'

const repo = 'svc/untag' as RepositoryName
const tag = (t: string) => t as Tag

it('removes a tag, and the manifest with its last tag; undefined for a tag that is not there', async () => {
  const store = new SqliteStore(':memory:')
  const clock = fakeClock()
  const blobs = new BlobService({ driver: new MemoryDriver(), store, clock })
  const manifests = new ManifestService({ store, blobs, clock })
  const cfg = digestOf('{}')
  await blobs.putSmall(repo, cfg, new TextEncoder().encode('{}'))
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociEmpty, digest: cfg, size: 2 }, layers: [] }))
  const { digest } = await manifests.put(repo, { kind: 'tag', tag: tag('a') }, body)
  await manifests.put(repo, { kind: 'tag', tag: tag('b') }, body)

  assert.deepEqual(await manifests.untagImage(repo, tag('a')), { digest, imageDeleted: false })
  assert.ok(await store.manifests.get(repo, digest), 'still tagged b: kept')
  assert.deepEqual(await manifests.untagImage(repo, tag('b')), { digest, imageDeleted: true })
  assert.equal(await store.manifests.get(repo, digest), undefined, 'its last tag gone: deleted')
  assert.equal(await manifests.untagImage(repo, tag('b')), undefined)
  await store.close()
})
