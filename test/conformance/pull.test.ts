// OCI Distribution Spec v1.1, "Pull" workflow: /v2/, manifests and blobs by GET and HEAD,
// range requests and content negotiation. Every test pushes its own content to a fresh repo.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { imageIndex, randomBlob, uniqueRepo } from '../../src/testkit/oci-client.ts'
import { assertOciError, assertStatus, bodyDigest } from './assert-oci.ts'
import { referenceGap, useTarget } from './conformance-target.ts'

const target = useTarget()
const UNKNOWN_DIGEST = digestOf('drydock conformance: this content is never pushed')

describe('pull: API version check (end-1)', () => {
  test('GET /v2/ answers 200 with Docker-Distribution-API-Version registry/2.0', async () => {
    const res = await target.client.request('GET', '/v2/')
    assertStatus(res, 200)
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0')
  })
})

describe('pull: manifests (end-3)', () => {
  for (const by of ['tag', 'digest'] as const) {
    test(`GET by ${by} returns the manifest byte for byte with its headers`, async () => {
      const repo = uniqueRepo()
      const img = await target.client.pushImage(repo, { tag: 'v1' })
      const ref = by === 'tag' ? 'v1' : img.digest
      const res = await target.client.request('GET', `/v2/${repo}/manifests/${ref}`, { headers: { Accept: MediaType.ociManifest } })
      assertStatus(res, 200)
      assert.equal(res.headers.get('content-type'), MediaType.ociManifest)
      assert.equal(res.headers.get('docker-content-digest'), img.digest)
      assert.equal(res.headers.get('content-length'), String(img.bytes.byteLength))
      assert.deepEqual(res.body, img.bytes)
      assert.equal(bodyDigest(res.body), img.digest)
    })

    test(`HEAD by ${by} returns 200, the digest and the length`, async () => {
      const repo = uniqueRepo()
      const img = await target.client.pushImage(repo, { tag: 'v1' })
      const ref = by === 'tag' ? 'v1' : img.digest
      const res = await target.client.request('HEAD', `/v2/${repo}/manifests/${ref}`, { headers: { Accept: MediaType.ociManifest } })
      assertStatus(res, 200)
      assert.equal(res.headers.get('docker-content-digest'), img.digest)
      assert.equal(res.headers.get('content-length'), String(img.bytes.byteLength))
      assert.equal(res.headers.get('content-type'), MediaType.ociManifest)
    })
  }

  test('unknown tag and unknown digest in an existing repository: 404 MANIFEST_UNKNOWN', async () => {
    const repo = uniqueRepo()
    await target.client.pushImage(repo, { tag: 'v1' })
    assertOciError(await target.client.request('GET', `/v2/${repo}/manifests/nope`), 404, 'MANIFEST_UNKNOWN')
    assertOciError(await target.client.request('GET', `/v2/${repo}/manifests/${UNKNOWN_DIGEST}`), 404, 'MANIFEST_UNKNOWN')
    const head = await target.client.request('HEAD', `/v2/${repo}/manifests/nope`)
    assertStatus(head, 404)
  })

  test('manifest of an unknown repository: 404 with NAME_UNKNOWN or MANIFEST_UNKNOWN', async () => {
    const res = await target.client.request('GET', `/v2/${uniqueRepo('never-pushed')}/manifests/latest`)
    assertOciError(res, 404, ['NAME_UNKNOWN', 'MANIFEST_UNKNOWN'])
  })

  test('a manifest is scoped to its repository', async () => {
    const img = await target.client.pushImage(uniqueRepo(), { tag: 'v1' })
    const other = uniqueRepo()
    await target.client.pushImage(other, { tag: 'v1' })
    assertOciError(await target.client.request('GET', `/v2/${other}/manifests/${img.digest}`), 404, 'MANIFEST_UNKNOWN')
  })
})

describe('pull: blobs (end-2)', () => {
  test('GET returns the blob with Docker-Content-Digest and Content-Length', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(4096)
    const desc = await target.client.pushBlob(repo, data)
    const res = await target.client.request('GET', `/v2/${repo}/blobs/${desc.digest}`)
    assertStatus(res, 200)
    assert.deepEqual(res.body, data)
    assert.equal(res.headers.get('docker-content-digest'), desc.digest)
    assert.equal(res.headers.get('content-length'), '4096')
    assert.equal(bodyDigest(res.body), desc.digest)
  })

  test('HEAD returns 200, Content-Length and the digest', async () => {
    const repo = uniqueRepo()
    const desc = await target.client.pushBlob(repo, randomBlob(777))
    const res = await target.client.request('HEAD', `/v2/${repo}/blobs/${desc.digest}`)
    assertStatus(res, 200)
    assert.equal(res.headers.get('content-length'), '777')
    assert.equal(res.headers.get('docker-content-digest'), desc.digest)
  })

  test('unknown blob: GET 404 BLOB_UNKNOWN, HEAD 404', async () => {
    const repo = uniqueRepo()
    await target.client.pushBlob(repo, randomBlob(10))
    assertOciError(await target.client.request('GET', `/v2/${repo}/blobs/${UNKNOWN_DIGEST}`), 404, 'BLOB_UNKNOWN')
    const head = await target.client.request('HEAD', `/v2/${repo}/blobs/${UNKNOWN_DIGEST}`)
    assertStatus(head, 404)
  })

  test('a blob pushed to one repository is not served from another', async () => {
    const desc = await target.client.pushBlob(uniqueRepo(), randomBlob(64))
    const other = uniqueRepo()
    await target.client.pushBlob(other, randomBlob(64))
    assertOciError(await target.client.request('GET', `/v2/${other}/blobs/${desc.digest}`), 404, 'BLOB_UNKNOWN')
  })
})

describe('pull: range requests (RFC 9110)', () => {
  test('a closed range answers 206 with Content-Range and exactly those bytes', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(1000)
    const desc = await target.client.pushBlob(repo, data)
    const res = await target.client.request('GET', `/v2/${repo}/blobs/${desc.digest}`, { headers: { Range: 'bytes=10-19' } })
    assertStatus(res, 206)
    assert.equal(res.headers.get('content-range'), 'bytes 10-19/1000')
    assert.equal(res.headers.get('content-length'), '10')
    assert.deepEqual(res.body, data.subarray(10, 20))
  })

  test('an open-ended range resumes a download to the end', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(1000)
    const desc = await target.client.pushBlob(repo, data)
    const res = await target.client.request('GET', `/v2/${repo}/blobs/${desc.digest}`, { headers: { Range: 'bytes=900-' } })
    assertStatus(res, 206)
    assert.equal(res.headers.get('content-range'), 'bytes 900-999/1000')
    assert.deepEqual(res.body, data.subarray(900))
  })

  test('a range beyond the end answers 416 with Content-Range bytes */size', referenceGap('broken 416 response'), async () => {
    const repo = uniqueRepo()
    const desc = await target.client.pushBlob(repo, randomBlob(100))
    const res = await target.client.request('GET', `/v2/${repo}/blobs/${desc.digest}`, { headers: { Range: 'bytes=500-600' } })
    assertStatus(res, 416)
    assert.equal(res.headers.get('content-range'), 'bytes */100')
  })
})

describe('pull: content negotiation', () => {
  test('a Docker v2 manifest is served with its Docker media type', async () => {
    const repo = uniqueRepo()
    const c = target.client
    const config = await c.pushBlob(repo, Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'), MediaType.dockerConfig)
    const layer = await c.pushBlob(repo, randomBlob(300), MediaType.dockerLayerGzip)
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.dockerManifest, config, layers: [layer] }))
    assertStatus(await c.putManifest(repo, 'docker', bytes, MediaType.dockerManifest), 201)
    const res = await c.request('GET', `/v2/${repo}/manifests/docker`, {
      headers: { Accept: `${MediaType.dockerManifest}, ${MediaType.ociManifest}` },
    })
    assertStatus(res, 200)
    assert.equal(res.headers.get('content-type'), MediaType.dockerManifest)
    assert.deepEqual(res.body, bytes)
  })

  test('an OCI index is served with the index media type', async () => {
    const repo = uniqueRepo()
    const child = await target.client.pushImage(repo)
    const bytes = Buffer.from(JSON.stringify(imageIndex([{ ...child.descriptor }])))
    assertStatus(await target.client.putManifest(repo, 'multi', bytes, MediaType.ociIndex), 201)
    const res = await target.client.request('GET', `/v2/${repo}/manifests/multi`, {
      headers: { Accept: [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList].join(', ') },
    })
    assertStatus(res, 200)
    assert.equal(res.headers.get('content-type'), MediaType.ociIndex)
    assert.equal(res.headers.get('docker-content-digest'), digestOf(bytes))
  })

  test('a manifest is never rewritten: whatever the Accept header, a 200 is the stored bytes', async () => {
    const repo = uniqueRepo()
    const img = await target.client.pushImage(repo, { tag: 'v1' })
    const res = await target.client.request('GET', `/v2/${repo}/manifests/v1`, { headers: { Accept: MediaType.dockerManifest } })
    // The spec lets a registry refuse an unacceptable type (404 MANIFEST_UNKNOWN, as
    // distribution does for tags) or ignore Accept; converting the manifest is not allowed.
    if (res.status === 200) {
      assert.deepEqual(res.body, img.bytes)
      assert.equal(res.headers.get('content-type'), MediaType.ociManifest)
    } else {
      assertOciError(res, 404, 'MANIFEST_UNKNOWN')
    }
  })
})
