// OCI Distribution Spec v1.1, "Error Codes", and hostile input: invalid and traversing names,
// foreign upload ids, absurd ranges, garbage and oversized manifests. Every failure must be a
// clean 4xx with the {"errors":[...]} envelope: never a 2xx, a 500, a hang or a crash.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { randomUUID } from 'node:crypto'
import { digestOf } from '../../src/oci/digest.ts'
import { OciClient, randomBlob, uniqueRepo, withQuery, type OciResponse } from '../../src/testkit/oci-client.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { assertLocation, assertOciError, assertStatus } from './assert-oci.ts'
import { referenceGap, useTarget } from './conformance-target.ts'

const target = useTarget()
const octet = { 'Content-Type': 'application/octet-stream' }
const SOME_DIGEST = digestOf('drydock conformance')

/** A refused hostile request: 400 or 404, and when it has a JSON body, the envelope. */
function assertRefused(res: OciResponse, what: string): void {
  assert.ok(res.status === 400 || res.status === 404, `${what}: expected 400/404, got ${res.status}: ${res.text().slice(0, 300)}`)
  if (/json/.test(res.headers.get('content-type') ?? '')) {
    const body = res.json<{ errors?: Array<{ code?: unknown }> }>()
    assert.ok(Array.isArray(body.errors) && typeof body.errors[0]?.code === 'string', `${what}: JSON error body must be the envelope`)
  }
}

describe('errors: repository names', referenceGap('invalid names route to a plain 404'), () => {
  for (const [label, name] of [
    ['upper case', 'Conformance/Upper'],
    ['a leading separator', 'conformance/-dash'],
    ['a doubled slash', 'conformance//x'],
    ['300 characters', Array.from({ length: 30 }, () => 'abcdefghi').join('/')],
  ] as const) {
    test(`a name with ${label}: 400 NAME_INVALID on push`, async () => {
      const res = await target.client.raw('POST', `/v2/${name}/blobs/uploads/`, { headers: { 'Content-Length': '0' } })
      assertOciError(res, 400, 'NAME_INVALID')
    })
  }
})

describe('errors: path traversal', referenceGap('Go path cleaning answers 301'), () => {
  const paths = [
    '/v2/../../etc/passwd/manifests/latest',
    '/v2/%2e%2e/%2e%2e/etc/passwd/manifests/latest',
    '/v2/conformance/%2e%2e%2f%2e%2e%2fetc/tags/list',
    '/v2/conformance/..%2f..%2f..%2fetc%2fpasswd/blobs/' + SOME_DIGEST,
    '/v2/foo%00bar/tags/list',
    '/v2/conformance/x/blobs/uploads/..%2f..%2f..%2fetc%2fpasswd',
  ]
  for (const p of paths) {
    test(`GET ${p} is refused`, async () => {
      assertRefused(await target.client.raw('GET', p), p)
    })
  }

  test('a push through a traversing name is refused and creates nothing', async () => {
    const res = await target.client.raw('POST', `/v2/%2e%2e/%2e%2e/tmp/evil/blobs/uploads/?digest=${digestOf('x')}`, {
      headers: { ...octet, 'Content-Length': '1' },
      body: 'x',
    })
    assertRefused(res, 'traversing push')
  })
})

describe('errors: upload sessions that are not ours', () => {
  test('a made-up upload id: 404 BLOB_UPLOAD_UNKNOWN for GET, PATCH, PUT and DELETE', referenceGap('answers BLOB_UPLOAD_INVALID'), async () => {
    const repo = uniqueRepo()
    await target.client.pushBlob(repo, randomBlob(4))
    const path = `/v2/${repo}/blobs/uploads/${randomUUID()}`
    assertOciError(await target.client.request('GET', path), 404, 'BLOB_UPLOAD_UNKNOWN')
    assertOciError(await target.client.request('PATCH', path, { headers: octet, body: randomBlob(4) }), 404, 'BLOB_UPLOAD_UNKNOWN')
    assertOciError(await target.client.request('PUT', `${path}?digest=${SOME_DIGEST}`, { headers: octet, body: randomBlob(4) }), 404, 'BLOB_UPLOAD_UNKNOWN')
    assertOciError(await target.client.request('DELETE', path), 404, 'BLOB_UPLOAD_UNKNOWN')
  })

  test('a garbage upload id is refused', async () => {
    const repo = uniqueRepo()
    await target.client.pushBlob(repo, randomBlob(4))
    for (const id of ['not-a-uuid', 'x'.repeat(2000), '%00']) {
      assertRefused(await target.client.raw('GET', `/v2/${repo}/blobs/uploads/${id}`), `upload id ${id.slice(0, 20)}`)
    }
  })

  test("another repository's session cannot be used", referenceGap('sessions are not repository-scoped'), async () => {
    const a = uniqueRepo()
    const loc = await target.client.startUpload(a)
    const b = uniqueRepo()
    await target.client.pushBlob(b, randomBlob(4))
    const path = new URL(loc, 'http://x').pathname
    assert.ok(path.includes(a), `expected the session Location to name ${a}: ${loc}`)
    const foreign = path.replace(a, b)
    assertOciError(await target.client.request('GET', foreign), 404, 'BLOB_UPLOAD_UNKNOWN')
    assertOciError(await target.client.request('PATCH', foreign, { headers: octet, body: randomBlob(4) }), 404, 'BLOB_UPLOAD_UNKNOWN')
  })
})

describe('errors: absurd Content-Range on PATCH', referenceGap('chunk errors'), () => {
  for (const range of ['0-99999999999999999999999', 'abc', '10-5', '-1-4', '0-', '0-3,5-9']) {
    test(`Content-Range ${JSON.stringify(range)} is refused and the session survives`, async () => {
      const loc = await target.client.startUpload(uniqueRepo())
      const res = await target.client.request('PATCH', loc, { headers: { ...octet, 'Content-Range': range }, body: randomBlob(4) })
      assertOciError(res, [400, 416], ['BLOB_UPLOAD_INVALID', 'RANGE_INVALID', 'SIZE_INVALID'])
      const status = await target.client.request('GET', loc)
      assertStatus(status, 204)
    })
  }
})

describe('errors: hostile manifests', () => {
  test('garbage bytes as a manifest: 400 MANIFEST_INVALID', async () => {
    const repo = uniqueRepo()
    const res = await target.client.putManifest(repo, 'garbage', randomBlob(4096))
    assertOciError(res, 400, 'MANIFEST_INVALID')
  })

  test('a 16 MiB body on a manifest PUT is refused without buffering it all: 413', referenceGap('manifest size limit'), async () => {
    const repo = uniqueRepo()
    const res = await target.client.putManifest(repo, 'huge', Buffer.alloc(16 * 1024 * 1024, 0x7b))
    assertOciError(res, 413, ['SIZE_INVALID', 'MANIFEST_INVALID'])
  })

  test('deeply nested JSON is refused, not a stack overflow', async () => {
    const repo = uniqueRepo()
    const res = await target.client.putManifest(repo, 'deep', '['.repeat(100_000) + ']'.repeat(100_000))
    assertOciError(res, 400, 'MANIFEST_INVALID')
  })
})

describe('errors: malformed digests in paths', referenceGap('routes malformed digests to 404'), () => {
  test('GET/HEAD of a blob with a malformed digest: 400 DIGEST_INVALID', async () => {
    const repo = uniqueRepo()
    await target.client.pushBlob(repo, randomBlob(4))
    assertOciError(await target.client.request('GET', `/v2/${repo}/blobs/sha256:zzz`), 400, 'DIGEST_INVALID')
    assertStatus(await target.client.request('HEAD', `/v2/${repo}/blobs/sha256:zzz`), 400)
  })
})

// Drydock's own limits (docs/configuration.md "Limits"), set by flag and environment on a server
// of its own, whatever the target: the reference registry has no such settings.
describe('errors: upload limits (a Drydock started with small limits)', () => {
  let server: RunningDrydock | undefined
  let client: OciClient
  before(async () => {
    server = await startDrydock({ args: ['--max-blob-size', '64KiB', '--max-open-uploads-per-repo', '2'], env: { DRYDOCK_MIN_FREE_SPACE: '1' } })
    client = new OciClient(server.url)
  })
  after(async () => {
    await server?.stop()
  })

  test('a monolithic push over the blob size limit: 413 SIZE_INVALID naming the limit, nothing stored', async () => {
    const repo = uniqueRepo()
    const data = randomBlob(64 * 1024 + 1)
    const res = await client.request('POST', `/v2/${repo}/blobs/uploads/?digest=${digestOf(data)}`, { headers: octet, body: data })
    assertOciError(res, 413, 'SIZE_INVALID')
    assert.match(res.text(), /64 KiB/)
    assertStatus(await client.request('HEAD', `/v2/${repo}/blobs/${digestOf(data)}`), 404)
    await client.pushBlob(repo, randomBlob(64 * 1024))
  })

  test('a PATCH past the limit: 413, and the session keeps its offset', async () => {
    const repo = uniqueRepo()
    const loc = await client.startUpload(repo)
    const first = randomBlob(60 * 1024)
    assertStatus(await client.request('PATCH', loc, { headers: octet, body: first }), 202)
    assertOciError(await client.request('PATCH', loc, { headers: octet, body: randomBlob(8 * 1024) }), 413, 'SIZE_INVALID')
    const status = await client.request('GET', loc)
    assertStatus(status, 204)
    assert.equal(status.headers.get('range'), `0-${first.length - 1}`)
    assertStatus(await client.request('PUT', withQuery(loc, { digest: digestOf(first) })), 201)
  })

  test('one upload session too many in a repository: 429 TOOMANYREQUESTS', async () => {
    const repo = uniqueRepo()
    await client.startUpload(repo)
    await client.startUpload(repo)
    assertOciError(await client.request('POST', `/v2/${repo}/blobs/uploads/`, { headers: { 'Content-Length': '0' } }), 429, 'TOOMANYREQUESTS')
    await client.startUpload(uniqueRepo())
  })
})

describe('errors: the server survives all of the above', () => {
  test('GET /v2/ still answers 200, and a normal push still works', async () => {
    assertStatus(await target.client.request('GET', '/v2/'), 200)
    const repo = uniqueRepo()
    const loc = await target.client.startUpload(repo)
    assertLocation(await target.client.request('GET', loc))
    await target.client.pushImage(repo, { tag: 'after' })
  })
})
