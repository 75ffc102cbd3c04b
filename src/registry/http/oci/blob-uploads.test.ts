import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { digestOf } from '../../../oci/digest.ts'
import { pushBlob, startFixture, type RegistryFixture } from '../../testing/registry-fixture.ts'

const errorCode = (body: string): string => (JSON.parse(body) as { errors: Array<{ code: string }> }).errors[0]?.code ?? ''

describe('blob uploads and blob reads over HTTP (inject)', () => {
  let fx: RegistryFixture
  before(async () => {
    fx = await startFixture()
  })
  after(() => fx.close())

  async function start(name: string): Promise<string> {
    const res = await fx.app.inject({ method: 'POST', url: `/v2/${name}/blobs/uploads/` })
    assert.equal(res.statusCode, 202)
    assert.equal(res.headers['range'], '0-0')
    assert.equal(res.headers['content-length'], '0')
    assert.ok(res.headers['docker-upload-uuid'])
    return String(res.headers['location'])
  }

  it('uploads in chunks with Content-Range, reports status, and finishes with PUT', async () => {
    const loc = await start('up/chunks')
    const p1 = await fx.app.inject({ method: 'PATCH', url: loc, payload: 'hello ', headers: { 'content-range': '0-5', 'content-type': 'application/octet-stream' } })
    assert.equal(p1.statusCode, 202)
    assert.equal(p1.headers['range'], '0-5')
    const status = await fx.app.inject({ url: loc })
    assert.equal(status.statusCode, 204)
    assert.equal(status.headers['range'], '0-5')
    assert.equal(status.headers['location'], loc)
    const digest = digestOf('hello world')
    const fin = await fx.app.inject({ method: 'PUT', url: `${loc}?digest=${digest}`, payload: 'world', headers: { 'content-range': '6-10' } })
    assert.equal(fin.statusCode, 201)
    assert.equal(fin.headers['docker-content-digest'], digest)
    assert.equal(fin.headers['location'], `/v2/up/chunks/blobs/${digest}`)
    const get = await fx.app.inject({ url: `/v2/up/chunks/blobs/${digest}` })
    assert.equal(get.body, 'hello world')
    assert.equal((await fx.app.inject({ url: loc })).statusCode, 404, 'the session is gone after commit')
  })

  it('answers an out-of-order chunk with 416 and the current Range', async () => {
    const loc = await start('up/order')
    await fx.app.inject({ method: 'PATCH', url: loc, payload: 'abc', headers: { 'content-range': '0-2' } })
    const bad = await fx.app.inject({ method: 'PATCH', url: loc, payload: 'xyz', headers: { 'content-range': '5-7' } })
    assert.equal(bad.statusCode, 416)
    assert.equal(bad.headers['range'], '0-2')
    assert.equal(bad.headers['location'], loc)
    const malformed = await fx.app.inject({ method: 'PATCH', url: loc, payload: 'xyz', headers: { 'content-range': 'garbage' } })
    assert.equal(malformed.statusCode, 416)
    const ok = await fx.app.inject({ method: 'PATCH', url: loc, payload: 'def', headers: { 'content-range': '3-5' } })
    assert.equal(ok.statusCode, 202)
    assert.equal(ok.headers['range'], '0-5')
  })

  it('accepts streamed PATCHes without Content-Range (docker) and a bodyless final PUT', async () => {
    const loc = await start('up/stream')
    await fx.app.inject({ method: 'PATCH', url: loc, payload: 'part1-' })
    await fx.app.inject({ method: 'PATCH', url: loc, payload: 'part2' })
    const fin = await fx.app.inject({ method: 'PUT', url: `${loc}?digest=${digestOf('part1-part2')}` })
    assert.equal(fin.statusCode, 201)
  })

  it('verifies sha512 digests', async () => {
    const loc = await start('up/sha512')
    const d = digestOf('five-twelve', 'sha512')
    const fin = await fx.app.inject({ method: 'PUT', url: `${loc}?digest=${d}`, payload: 'five-twelve' })
    assert.equal(fin.statusCode, 201)
    assert.equal((await fx.app.inject({ url: `/v2/up/sha512/blobs/${d}` })).body, 'five-twelve')
  })

  it('rejects a wrong digest with DIGEST_INVALID and drops the session', async () => {
    const loc = await start('up/wrong')
    const fin = await fx.app.inject({ method: 'PUT', url: `${loc}?digest=${digestOf('other')}`, payload: 'data' })
    assert.equal(fin.statusCode, 400)
    assert.equal(errorCode(fin.body), 'DIGEST_INVALID')
    assert.equal((await fx.app.inject({ url: `/v2/up/wrong/blobs/${digestOf('data')}` })).statusCode, 404)
    const missing = await fx.app.inject({ method: 'PUT', url: `${await start('up/wrong')}`, payload: 'data' })
    assert.equal(errorCode(missing.body), 'DIGEST_INVALID', 'a PUT without ?digest= is rejected')
  })

  it('cancels with DELETE (204) and then reports BLOB_UPLOAD_UNKNOWN', async () => {
    const loc = await start('up/cancel')
    assert.equal((await fx.app.inject({ method: 'DELETE', url: loc })).statusCode, 204)
    const res = await fx.app.inject({ url: loc })
    assert.equal(res.statusCode, 404)
    assert.equal(errorCode(res.body), 'BLOB_UPLOAD_UNKNOWN')
    const other = await fx.app.inject({ url: '/v2/up/cancel/blobs/uploads/not-a-session' })
    assert.equal(errorCode(other.body), 'BLOB_UPLOAD_UNKNOWN')
    const traversal = await fx.app.inject({ url: '/v2/up/cancel/blobs/uploads/..%2F..%2Fetc' })
    assert.equal(traversal.statusCode, 404)
  })

  it('does not let one repository use another repository\'s session', async () => {
    const loc = await start('up/mine')
    const foreign = loc.replace('/up/mine/', '/up/theirs/')
    assert.equal((await fx.app.inject({ url: foreign })).statusCode, 404)
  })

  it('mounts from a repository that has the blob (201), and falls back to an upload (202)', async () => {
    const digest = await pushBlob(fx.app, 'mnt/src', 'shared layer')
    const mounted = await fx.app.inject({ method: 'POST', url: `/v2/mnt/dst/blobs/uploads/?mount=${digest}&from=mnt/src` })
    assert.equal(mounted.statusCode, 201)
    assert.equal(mounted.headers['docker-content-digest'], digest)
    assert.equal((await fx.app.inject({ url: `/v2/mnt/dst/blobs/${digest}` })).body, 'shared layer')
    const auto = await fx.app.inject({ method: 'POST', url: `/v2/mnt/auto/blobs/uploads/?mount=${digest}` })
    assert.equal(auto.statusCode, 201, 'automatic mount when from is omitted')
    const absent = await fx.app.inject({ method: 'POST', url: `/v2/mnt/dst2/blobs/uploads/?mount=${digestOf('nope')}&from=mnt/src` })
    assert.equal(absent.statusCode, 202)
    const wrongFrom = await fx.app.inject({ method: 'POST', url: `/v2/mnt/dst3/blobs/uploads/?mount=${digest}&from=mnt/empty` })
    assert.equal(wrongFrom.statusCode, 202)
    const badFrom = await fx.app.inject({ method: 'POST', url: `/v2/mnt/dst3/blobs/uploads/?mount=${digest}&from=BAD..NAME` })
    assert.equal(badFrom.statusCode, 202)
  })

  it('serves byte ranges (206) and refuses unsatisfiable ones (416)', async () => {
    const digest = await pushBlob(fx.app, 'rng/x', '0123456789')
    const url = `/v2/rng/x/blobs/${digest}`
    const part = await fx.app.inject({ url, headers: { range: 'bytes=2-4' } })
    assert.equal(part.statusCode, 206)
    assert.equal(part.body, '234')
    assert.equal(part.headers['content-range'], 'bytes 2-4/10')
    const suffix = await fx.app.inject({ url, headers: { range: 'bytes=-3' } })
    assert.equal(suffix.body, '789')
    const open = await fx.app.inject({ url, headers: { range: 'bytes=7-' } })
    assert.equal(open.body, '789')
    const bad = await fx.app.inject({ url, headers: { range: 'bytes=20-30' } })
    assert.equal(bad.statusCode, 416)
    assert.equal(bad.headers['content-range'], 'bytes */10')
    const cached = await fx.app.inject({ url, headers: { 'if-none-match': `"${digest}"` } })
    assert.equal(cached.statusCode, 304)
    assert.equal(cached.body, '')
    const nonsense = await fx.app.inject({ url, headers: { range: 'pages=1-2' } })
    assert.equal(nonsense.statusCode, 416)
  })

  it('deletes a blob from a repository (202) and then reports BLOB_UNKNOWN', async () => {
    const digest = await pushBlob(fx.app, 'del/blob', 'to delete')
    assert.equal((await fx.app.inject({ method: 'DELETE', url: `/v2/del/blob/blobs/${digest}` })).statusCode, 202)
    const head = await fx.app.inject({ method: 'HEAD', url: `/v2/del/blob/blobs/${digest}` })
    assert.equal(head.statusCode, 404)
    const again = await fx.app.inject({ method: 'DELETE', url: `/v2/del/blob/blobs/${digest}` })
    assert.equal(errorCode(again.body), 'BLOB_UNKNOWN')
  })
})
