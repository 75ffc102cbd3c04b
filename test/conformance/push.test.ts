// OCI Distribution Spec v1.1, "Push" workflow, blobs: monolithic (POST+PUT, single POST),
// chunked PATCH sessions (status, cancel, out-of-order 416), digest checks, cross-repo mount
// and sha512. Manifest pushes are in push-manifest.test.ts.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { randomBlob, uniqueRepo, withQuery } from '../../src/testkit/oci-client.ts'
import { assertLocation, assertOciError, assertStatus, bodyDigest } from './assert-oci.ts'
import { referenceGap, useTarget } from './conformance-target.ts'

const target = useTarget()
const octet = { 'Content-Type': 'application/octet-stream' }
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i

async function expectBlob(repo: string, data: Buffer, digest: string): Promise<void> {
  const res = await target.client.request('GET', `/v2/${repo}/blobs/${digest}`)
  assertStatus(res, 200)
  assert.deepEqual(res.body, data, 'stored blob equals what was pushed')
}

async function patch(loc: string, chunk: Buffer, start: number): Promise<ReturnType<typeof target.client.request>> {
  return target.client.request('PATCH', loc, {
    headers: { ...octet, 'Content-Range': `${start}-${start + chunk.byteLength - 1}` },
    body: chunk,
  })
}

describe('push: monolithic blob upload (end-4a, end-4b, end-6)', () => {
  test('POST then PUT: 202 + Location, then 201 + Location + Docker-Content-Digest', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(2048)
    const digest = digestOf(data)
    const post = await target.client.request('POST', `/v2/${repo}/blobs/uploads/`)
    assertStatus(post, 202)
    const loc = assertLocation(post)
    assert.match(loc, UUID, 'the session Location contains a UUID (spec: POST then PUT)')
    const again = assertLocation(await target.client.request('POST', `/v2/${repo}/blobs/uploads/`))
    assert.notEqual(again, loc, 'every session is unique')
    const put = await target.client.request('PUT', withQuery(loc, { digest }), { headers: octet, body: data })
    assertStatus(put, 201)
    assert.equal(put.headers.get('docker-content-digest'), digest)
    const blobLoc = assertLocation(put)
    const pulled = await target.client.request('GET', blobLoc)
    assertStatus(pulled, 200)
    assert.deepEqual(pulled.body, data, 'the Location of a finished upload is a pullable blob URL')
  })

  test('single POST with ?digest= answers 201 with a pullable Location', referenceGap('single-POST upload (spec MAY)'), async () => {
    const repo = uniqueRepo()
    const data = randomBlob(1500)
    const digest = digestOf(data)
    const res = await target.client.request('POST', `/v2/${repo}/blobs/uploads/?digest=${digest}`, { headers: octet, body: data })
    assertStatus(res, 201)
    assert.equal(res.headers.get('docker-content-digest'), digest)
    const pulled = await target.client.request('GET', assertLocation(res))
    assert.deepEqual(pulled.body, data)
  })

  test('an empty blob can be pushed and pulled', async () => {
    const repo = uniqueRepo()
    const desc = await target.client.pushBlob(repo, Buffer.alloc(0))
    assert.equal(desc.digest, 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    const head = await target.client.request('HEAD', `/v2/${repo}/blobs/${desc.digest}`)
    assertStatus(head, 200)
    assert.equal(head.headers.get('content-length'), '0')
  })

  test('a digest that does not match the content: 400 DIGEST_INVALID and nothing stored', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(100)
    const wrong = digestOf(randomBlob(100))
    const loc = await target.client.startUpload(repo)
    assertOciError(await target.client.request('PUT', withQuery(loc, { digest: wrong }), { headers: octet, body: data }), 400, 'DIGEST_INVALID')
    assertStatus(await target.client.request('HEAD', `/v2/${repo}/blobs/${wrong}`), 404)
    assertStatus(await target.client.request('HEAD', `/v2/${repo}/blobs/${digestOf(data)}`), 404)
  })

  test('a single POST whose digest does not match: 400 DIGEST_INVALID', referenceGap('single-POST upload (spec MAY)'), async () => {
    const repo = uniqueRepo()
    const res = await target.client.request('POST', `/v2/${repo}/blobs/uploads/?digest=${digestOf('other')}`, { headers: octet, body: randomBlob(64) })
    assertOciError(res, 400, 'DIGEST_INVALID')
  })

  for (const bad of ['sha256:xyz', 'notadigest', 'sha256:' + 'A'.repeat(64), 'md5:d41d8cd98f00b204e9800998ecf8427e', 'sha256:']) {
    test(`a malformed digest ${JSON.stringify(bad)} on PUT: 400 DIGEST_INVALID (never 500)`, async () => {
      const loc = await target.client.startUpload(uniqueRepo())
      const res = await target.client.request('PUT', withQuery(loc, { digest: bad }), { headers: octet, body: randomBlob(16) })
      // An unregistered algorithm may also be reported as UNSUPPORTED.
      assertOciError(res, 400, bad.startsWith('md5') ? ['DIGEST_INVALID', 'UNSUPPORTED'] : 'DIGEST_INVALID')
    })
  }

  test('PUT without ?digest= is rejected with DIGEST_INVALID', async () => {
    const loc = await target.client.startUpload(uniqueRepo())
    assertOciError(await target.client.request('PUT', loc, { headers: octet, body: randomBlob(16) }), 400, 'DIGEST_INVALID')
  })
})

describe('push: chunked blob upload (end-5, end-13, end-14)', () => {
  test('PATCH chunks: 202 + Location + Range 0-<end>, GET status 204, closing PUT 201', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(3000)
    const post = await target.client.request('POST', `/v2/${repo}/blobs/uploads/`, { headers: { 'Content-Length': '0' } })
    assertStatus(post, 202)
    let loc = assertLocation(post)
    for (const [start, end] of [[0, 1000], [1000, 2500], [2500, 3000]] as const) {
      const res = await patch(loc, data.subarray(start, end), start)
      assertStatus(res, 202)
      assert.equal(res.headers.get('range'), `0-${end - 1}`)
      loc = assertLocation(res)
    }
    const status = await target.client.request('GET', loc)
    assertStatus(status, 204)
    assert.equal(status.headers.get('range'), '0-2999')
    assertLocation(status)
    const put = await target.client.request('PUT', withQuery(loc, { digest: digestOf(data) }))
    assertStatus(put, 201)
    assertLocation(put)
    await expectBlob(repo, data, digestOf(data))
  })

  test('the final chunk may travel in the closing PUT with its Content-Range', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(2000)
    const first = await patch(await target.client.startUpload(repo), data.subarray(0, 1200), 0)
    assertStatus(first, 202)
    const put = await target.client.request('PUT', withQuery(assertLocation(first), { digest: digestOf(data) }), {
      headers: { ...octet, 'Content-Range': '1200-1999' },
      body: data.subarray(1200),
    })
    assertStatus(put, 201)
    await expectBlob(repo, data, digestOf(data))
  })

  test('PATCH without Content-Range (streamed) is accepted', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(900)
    const res = await target.client.request('PATCH', await target.client.startUpload(repo), { headers: octet, body: data })
    assertStatus(res, 202)
    assert.equal(res.headers.get('range'), '0-899')
    assertStatus(await target.client.request('PUT', withQuery(assertLocation(res), { digest: digestOf(data) })), 201)
    await expectBlob(repo, data, digestOf(data))
  })

  test('an out-of-order chunk answers 416 and the session stays usable', referenceGap('chunk errors'), async () => {
    const repo = uniqueRepo()
    const data = randomBlob(3000)
    const first = await patch(await target.client.startUpload(repo), data.subarray(0, 1000), 0)
    assertStatus(first, 202)
    const loc = assertLocation(first)
    // Skips bytes 1000..1999: the registry must refuse, not store a hole.
    const skipped = await patch(loc, data.subarray(2000), 2000)
    assertOciError(skipped, 416, ['BLOB_UPLOAD_INVALID', 'RANGE_INVALID'])
    // Beyond the spec's MUST, Drydock tells the client where to resume (as distribution does).
    assert.equal(skipped.headers.get('range'), '0-999', '416 carries the current Range')
    const overlap = await patch(loc, data.subarray(500, 1500), 500)
    assertOciError(overlap, 416, ['BLOB_UPLOAD_INVALID', 'RANGE_INVALID'])
    // Recover: ask where we are, then continue from there.
    const status = await target.client.request('GET', loc)
    assertStatus(status, 204)
    assert.equal(status.headers.get('range'), '0-999')
    const rest = await patch(assertLocation(status), data.subarray(1000), 1000)
    assertStatus(rest, 202)
    assertStatus(await target.client.request('PUT', withQuery(assertLocation(rest), { digest: digestOf(data) })), 201)
    await expectBlob(repo, data, digestOf(data))
  })

  test('a first chunk that does not start at 0 answers 416', referenceGap('chunk errors'), async () => {
    const res = await patch(await target.client.startUpload(uniqueRepo()), randomBlob(10), 5)
    assertOciError(res, 416, ['BLOB_UPLOAD_INVALID', 'RANGE_INVALID'])
  })

  test('a Content-Range whose length differs from the body is refused', referenceGap('chunk errors'), async () => {
    const loc = await target.client.startUpload(uniqueRepo())
    const res = await target.client.request('PATCH', loc, { headers: { ...octet, 'Content-Range': '0-99' }, body: randomBlob(10) })
    assertOciError(res, [400, 416], ['SIZE_INVALID', 'RANGE_INVALID', 'BLOB_UPLOAD_INVALID'])
  })

  test('DELETE cancels a session: 204, then the session is 404 BLOB_UPLOAD_UNKNOWN', async () => {
    const repo = uniqueRepo()
    const first = await patch(await target.client.startUpload(repo), randomBlob(100), 0)
    const loc = assertLocation(first)
    assertStatus(await target.client.request('DELETE', loc), 204)
    assertOciError(await target.client.request('GET', loc), 404, 'BLOB_UPLOAD_UNKNOWN')
    assertOciError(await patch(loc, randomBlob(10), 100), 404, 'BLOB_UPLOAD_UNKNOWN')
    assertOciError(await target.client.request('DELETE', loc), 404, 'BLOB_UPLOAD_UNKNOWN')
  })

  test('an 8 MiB blob in three uneven chunks round-trips intact', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(8 * 1024 * 1024 + 17)
    let loc = await target.client.startUpload(repo)
    for (const [start, end] of [[0, 3_000_000], [3_000_000, 3_000_001], [3_000_001, data.byteLength]] as const) {
      const res = await patch(loc, data.subarray(start, end), start)
      assertStatus(res, 202)
      loc = assertLocation(res)
    }
    assertStatus(await target.client.request('PUT', withQuery(loc, { digest: digestOf(data) })), 201)
    const head = await target.client.request('HEAD', `/v2/${repo}/blobs/${digestOf(data)}`)
    assert.equal(head.headers.get('content-length'), String(data.byteLength))
    await expectBlob(repo, data, digestOf(data))
  })

  test('two sessions uploading the same blob concurrently both succeed (de-duplication)', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(200_000)
    const digest = digestOf(data)
    const [a, b] = await Promise.all([target.client.startUpload(repo), target.client.startUpload(repo)])
    const results = await Promise.all([a, b].map((loc) =>
      target.client.request('PUT', withQuery(loc, { digest }), { headers: octet, body: data })))
    for (const r of results) assertStatus(r, 201)
    await expectBlob(repo, data, digest)
  })

  test('a finished session cannot be reused', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(64)
    const loc = await target.client.startUpload(repo)
    assertStatus(await target.client.request('PUT', withQuery(loc, { digest: digestOf(data) }), { headers: octet, body: data }), 201)
    assertOciError(await target.client.request('GET', loc), 404, 'BLOB_UPLOAD_UNKNOWN')
  })
})

describe('push: cross-repository mount (end-11)', () => {
  test('mount with from: 201 + Location + Docker-Content-Digest, blob readable in the target', async () => {
    const from = uniqueRepo()
    const data = randomBlob(700)
    const desc = await target.client.pushBlob(from, data)
    const to = uniqueRepo()
    const res = await target.client.request('POST', `/v2/${to}/blobs/uploads/?mount=${desc.digest}&from=${from}`)
    assertStatus(res, 201)
    assert.equal(res.headers.get('docker-content-digest'), desc.digest)
    assertLocation(res)
    await expectBlob(to, data, desc.digest)
  })

  test('mount of an unknown blob falls back to a 202 upload session', async () => {
    const from = uniqueRepo()
    await target.client.pushBlob(from, randomBlob(10))
    const to = uniqueRepo()
    const data = randomBlob(50)
    const res = await target.client.request('POST', `/v2/${to}/blobs/uploads/?mount=${digestOf(data)}&from=${from}`)
    assertStatus(res, 202)
    const put = await target.client.request('PUT', withQuery(assertLocation(res), { digest: digestOf(data) }), { headers: octet, body: data })
    assertStatus(put, 201)
  })

  test('mount from a repository that does not hold the blob does not leak it: 202', async () => {
    const data = randomBlob(80)
    const desc = await target.client.pushBlob(uniqueRepo(), data)
    const decoy = uniqueRepo()
    await target.client.pushBlob(decoy, randomBlob(8))
    const to = uniqueRepo()
    const res = await target.client.request('POST', `/v2/${to}/blobs/uploads/?mount=${desc.digest}&from=${decoy}`)
    assertStatus(res, 202)
    assertStatus(await target.client.request('HEAD', `/v2/${to}/blobs/${desc.digest}`), 404)
  })

  test('mount without from: 201 (automatic mount) or a 202 session, never an error', async () => {
    const data = randomBlob(90)
    const desc = await target.client.pushBlob(uniqueRepo(), data)
    const to = uniqueRepo()
    const res = await target.client.request('POST', `/v2/${to}/blobs/uploads/?mount=${desc.digest}`)
    assertStatus(res, [201, 202])
    if (res.status === 201) {
      assert.equal(res.headers.get('docker-content-digest'), desc.digest)
      await expectBlob(to, data, desc.digest)
    } else {
      assertStatus(await target.client.request('GET', assertLocation(res)), 204)
    }
  })
})

describe('push: sha512 digests end to end', () => {
  test('monolithic sha512 push, then GET/HEAD by the sha512 digest', referenceGap('sha512'), async () => {
    const repo = uniqueRepo()
    const data = randomBlob(1234)
    const desc = await target.client.pushBlob(repo, data, 'application/octet-stream', 'sha512')
    assert.match(desc.digest, /^sha512:[0-9a-f]{128}$/)
    const res = await target.client.request('GET', `/v2/${repo}/blobs/${desc.digest}`)
    assertStatus(res, 200)
    assert.deepEqual(res.body, data)
    const header = res.headers.get('docker-content-digest')
    if (header !== null) assert.equal(bodyDigest(res.body, header), header, 'Docker-Content-Digest matches the body')
    assertStatus(await target.client.request('HEAD', `/v2/${repo}/blobs/${desc.digest}`), 200)
  })

  test('chunked sha512 push', referenceGap('sha512'), async () => {
    const repo = uniqueRepo()
    const data = randomBlob(2000)
    const first = await patch(await target.client.startUpload(repo), data.subarray(0, 1000), 0)
    const second = await patch(assertLocation(first), data.subarray(1000), 1000)
    assertStatus(second, 202)
    const digest = digestOf(data, 'sha512')
    assertStatus(await target.client.request('PUT', withQuery(assertLocation(second), { digest })), 201)
    await expectBlob(repo, data, digest)
  })

  test('a manifest pushed and pulled by its sha512 digest', referenceGap('sha512'), async () => {
    const repo = uniqueRepo()
    const config = await target.client.pushBlob(repo, Buffer.from('{}'), 'application/vnd.oci.empty.v1+json', 'sha512')
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.drydock.test', config, layers: [] }))
    const digest = digestOf(bytes, 'sha512')
    const put = await target.client.putManifest(repo, digest, bytes)
    assertStatus(put, 201)
    const res = await target.client.request('GET', `/v2/${repo}/manifests/${digest}`)
    assertStatus(res, 200)
    assert.deepEqual(res.body, bytes)
  })
})
