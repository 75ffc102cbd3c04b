// OCI Distribution Spec v1.1, "Push" workflow, manifests (end-7): PUT by tag and by digest,
// referenced-content checks, validation and the manifest size limit.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { EMPTY_DESCRIPTOR, imageIndex, imageManifest, randomBlob, uniqueRepo, type BlobDescriptor } from '../../src/testkit/oci-client.ts'
import { assertLocation, assertOciError, assertStatus } from './assert-oci.ts'
import { referenceGap, useTarget } from './conformance-target.ts'

const target = useTarget()
const MiB = 1024 * 1024

/** Pushes a config and one layer and returns the serialised manifest referencing them. */
async function manifestBytes(repo: string, extra: Record<string, unknown> = {}): Promise<Buffer> {
  const config = await target.client.pushBlob(repo, Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', nonce: Math.random() })), MediaType.ociConfig)
  const layer = await target.client.pushBlob(repo, randomBlob(100), MediaType.ociLayerGzip)
  return Buffer.from(JSON.stringify({ ...imageManifest(config, [layer]), ...extra }))
}

/** An artifact manifest whose annotation pads it to exactly `size` bytes. */
function paddedManifest(size: number): Buffer {
  const base = imageManifest(EMPTY_DESCRIPTOR, [], { artifactType: 'application/vnd.drydock.test.big', annotations: { pad: '' } })
  const overhead = Buffer.byteLength(JSON.stringify(base))
  const bytes = Buffer.from(JSON.stringify({ ...base, annotations: { pad: 'x'.repeat(size - overhead) } }))
  assert.equal(bytes.byteLength, size)
  return bytes
}

describe('push: manifests (end-7)', () => {
  for (const by of ['tag', 'digest'] as const) {
    test(`PUT by ${by}: 201, Location, Docker-Content-Digest; the Location is pullable`, async () => {
      const repo = uniqueRepo()
      const bytes = await manifestBytes(repo)
      const digest = digestOf(bytes)
      const res = await target.client.putManifest(repo, by === 'tag' ? 'v1.0' : digest, bytes)
      assertStatus(res, 201)
      assert.equal(res.headers.get('docker-content-digest'), digest)
      const pulled = await target.client.request('GET', assertLocation(res), { headers: { Accept: MediaType.ociManifest } })
      assertStatus(pulled, 200)
      assert.deepEqual(pulled.body, bytes, 'stored byte for byte')
    })
  }

  test('the same manifest under a second tag; a tag can move to another manifest', async () => {
    const repo = uniqueRepo()
    const a = await manifestBytes(repo)
    const b = await manifestBytes(repo)
    assertStatus(await target.client.putManifest(repo, 'one', a), 201)
    assertStatus(await target.client.putManifest(repo, 'two', a), 201)
    assertStatus(await target.client.putManifest(repo, 'one', b), 201)
    const accept = { headers: { Accept: MediaType.ociManifest } }
    const one = await target.client.request('GET', `/v2/${repo}/manifests/one`, accept)
    const two = await target.client.request('GET', `/v2/${repo}/manifests/two`, accept)
    assert.equal(one.headers.get('docker-content-digest'), digestOf(b))
    assert.equal(two.headers.get('docker-content-digest'), digestOf(a))
  })

  test('PUT by a digest that does not match the body: 400 DIGEST_INVALID', async () => {
    const repo = uniqueRepo()
    const bytes = await manifestBytes(repo)
    assertOciError(await target.client.putManifest(repo, digestOf('something else'), bytes), 400, 'DIGEST_INVALID')
  })

  test('a manifest referencing a missing layer: MANIFEST_BLOB_UNKNOWN (400 or 404)', async () => {
    const repo = uniqueRepo()
    const config = await target.client.pushBlob(repo, Buffer.from('{"os":"linux"}'), MediaType.ociConfig)
    const missing: BlobDescriptor = { mediaType: MediaType.ociLayerGzip, digest: digestOf(randomBlob(10)), size: 10 }
    const bytes = JSON.stringify(imageManifest(config, [missing]))
    assertOciError(await target.client.putManifest(repo, 'v1', bytes), [400, 404], 'MANIFEST_BLOB_UNKNOWN')
    assertStatus(await target.client.request('HEAD', `/v2/${repo}/manifests/v1`), 404)
  })

  test('a manifest referencing a missing config: MANIFEST_BLOB_UNKNOWN (400 or 404)', async () => {
    const repo = uniqueRepo()
    const layer = await target.client.pushBlob(repo, randomBlob(10), MediaType.ociLayerGzip)
    const config: BlobDescriptor = { mediaType: MediaType.ociConfig, digest: digestOf('{"missing":true}'), size: 16 }
    assertOciError(await target.client.putManifest(repo, 'v1', JSON.stringify(imageManifest(config, [layer]))), [400, 404], 'MANIFEST_BLOB_UNKNOWN')
  })

  test('a blob pushed to another repository does not satisfy a manifest', async () => {
    const other = uniqueRepo()
    const layer = await target.client.pushBlob(other, randomBlob(10), MediaType.ociLayerGzip)
    const repo = uniqueRepo()
    const config = await target.client.pushBlob(repo, Buffer.from('{"os":"linux"}'), MediaType.ociConfig)
    assertOciError(await target.client.putManifest(repo, 'v1', JSON.stringify(imageManifest(config, [layer]))), [400, 404], 'MANIFEST_BLOB_UNKNOWN')
  })

  test('malformed JSON: 400 MANIFEST_INVALID', async () => {
    const repo = uniqueRepo()
    assertOciError(await target.client.putManifest(repo, 'v1', '{"schemaVersion": 2, "config": '), 400, 'MANIFEST_INVALID')
  })

  test('valid JSON that is not a manifest: 400 MANIFEST_INVALID', referenceGap('answers 500'), async () => {
    const repo = uniqueRepo()
    for (const body of ['[]', '"manifest"', '{"schemaVersion":1}', JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: 'nope', layers: {} })]) {
      assertOciError(await target.client.putManifest(repo, 'v1', body), 400, 'MANIFEST_INVALID')
    }
  })

  for (const tag of ['-leading-dash', '.leading-dot', 'a'.repeat(129), 'has%20space']) {
    test(`an invalid tag ${JSON.stringify(tag.length > 20 ? `${tag.slice(0, 8)}…(${tag.length})` : tag)} is refused with 400`, referenceGap('invalid tags route to 404'), async () => {
      const repo = uniqueRepo()
      const bytes = await manifestBytes(repo)
      const res = await target.client.putManifest(repo, tag, bytes)
      // The spec defines no dedicated code; TAG_INVALID is the legacy one clients know.
      assertOciError(res, 400, ['TAG_INVALID', 'MANIFEST_INVALID'])
    })
  }

  test('an image index whose children exist: 201', async () => {
    const repo = uniqueRepo()
    const a = await target.client.pushImage(repo)
    const b = await target.client.pushImage(repo)
    const bytes = JSON.stringify(imageIndex([
      { ...a.descriptor, platform: { os: 'linux', architecture: 'amd64' } } as BlobDescriptor,
      { ...b.descriptor, platform: { os: 'linux', architecture: 'arm64' } } as BlobDescriptor,
    ]))
    const res = await target.client.putManifest(repo, 'multi', bytes, MediaType.ociIndex)
    assertStatus(res, 201)
    assert.equal(res.headers.get('docker-content-digest'), digestOf(bytes))
  })

  test('an image index referencing a missing child manifest: MANIFEST_BLOB_UNKNOWN', async () => {
    const repo = uniqueRepo()
    const present = await target.client.pushImage(repo)
    const missing: BlobDescriptor = { mediaType: MediaType.ociManifest, digest: digestOf('no such manifest'), size: 123 }
    const bytes = JSON.stringify(imageIndex([present.descriptor, missing]))
    assertOciError(await target.client.putManifest(repo, 'multi', bytes, MediaType.ociIndex), [400, 404], 'MANIFEST_BLOB_UNKNOWN')
  })

  test('a manifest of exactly 4 MiB is accepted', referenceGap('manifest size limit'), async () => {
    const repo = uniqueRepo()
    await target.client.pushBlob(repo, Buffer.from('{}'), MediaType.ociEmpty)
    const bytes = paddedManifest(4 * MiB)
    assertStatus(await target.client.putManifest(repo, 'big', bytes), 201)
  })

  test('a manifest over 4 MiB: 413 with SIZE_INVALID or MANIFEST_INVALID', referenceGap('manifest size limit'), async () => {
    const repo = uniqueRepo()
    await target.client.pushBlob(repo, Buffer.from('{}'), MediaType.ociEmpty)
    const res = await target.client.putManifest(repo, 'huge', paddedManifest(4 * MiB + 1))
    // The spec names 413 (end-7) but no error code; both of these say what went wrong.
    assertOciError(res, 413, ['SIZE_INVALID', 'MANIFEST_INVALID'])
    assertStatus(await target.client.request('HEAD', `/v2/${repo}/manifests/huge`), 404)
  })
})
