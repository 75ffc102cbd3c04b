// Security issue #12, hole 10 (part): a chunk must be exactly as long as its Content-Range says.
// A chunked PATCH declaring `Content-Range: 0-9` used to store all 100 bytes it sent. Over real
// HTTP (buildApp + listen on 127.0.0.1:0): a longer or shorter body than declared is refused
// with 416 BLOB_UPLOAD_INVALID, and the upload stays exactly as it was before the chunk.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { DEFAULT_CONFIG } from '../../src/registry/config/config.ts'
import { startFixture, type RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'

/** A body sent with chunked transfer encoding (no Content-Length), in pieces of `chunk` bytes. */
function chunked(data: Buffer, chunk = 7): RequestInit {
  let off = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (off >= data.length) return controller.close()
      controller.enqueue(data.subarray(off, off + chunk))
      off += chunk
    },
  })
  return { body, duplex: 'half' } as RequestInit
}

async function startUpload(base: string, repo: string): Promise<string> {
  const res = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' })
  assert.equal(res.status, 202)
  return new URL(res.headers.get('location') ?? '', base).toString()
}

async function rangeOf(loc: string): Promise<string | null> {
  const res = await fetch(loc)
  assert.equal(res.status, 204)
  return res.headers.get('range')
}

async function refused(res: Response): Promise<void> {
  assert.equal(res.status, 416, `status ${res.status}`)
  const body = (await res.json()) as { errors?: Array<{ code: string }> }
  assert.equal(body.errors?.[0]?.code, 'BLOB_UPLOAD_INVALID')
}

describe('Content-Range is enforced on chunk bodies (hole 10)', () => {
  let fx: RegistryFixture
  let base: string
  before(async () => {
    fx = await startFixture({ limits: { ...DEFAULT_CONFIG.limits, minFreeBytes: 0 } })
    base = await fx.app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(() => fx.close())

  it('refuses a chunked PATCH longer than its Content-Range and keeps the offset', async () => {
    const loc = await startUpload(base, 'range/long')
    const res = await fetch(loc, { method: 'PATCH', headers: { 'content-range': '0-9' }, ...chunked(randomBytes(100)) })
    await refused(res)
    assert.equal(res.headers.get('range'), '0-0')
    assert.equal(await rangeOf(loc), '0-0', 'nothing of the refused chunk was kept')
    const data = randomBytes(10)
    const ok = await fetch(loc, { method: 'PATCH', headers: { 'content-range': '0-9' }, ...chunked(data) })
    assert.equal(ok.status, 202)
    assert.equal(ok.headers.get('range'), '0-9')
    const put = await fetch(`${loc}?digest=${digestOf(data)}`, { method: 'PUT' })
    assert.equal(put.status, 201, 'the upload goes on as if the bad chunk never came')
  })

  it('refuses a chunked PATCH shorter than its Content-Range and keeps the earlier chunks intact', async () => {
    const loc = await startUpload(base, 'range/short')
    const first = randomBytes(10)
    assert.equal((await fetch(loc, { method: 'PATCH', headers: { 'content-range': '0-9' }, ...chunked(first) })).status, 202)
    await refused(await fetch(loc, { method: 'PATCH', headers: { 'content-range': '10-19' }, ...chunked(randomBytes(5)) }))
    assert.equal(await rangeOf(loc), '0-9')
    const second = randomBytes(10)
    assert.equal((await fetch(loc, { method: 'PATCH', headers: { 'content-range': '10-19' }, ...chunked(second) })).status, 202)
    const whole = Buffer.concat([first, second])
    assert.equal((await fetch(`${loc}?digest=${digestOf(whole)}`, { method: 'PUT' })).status, 201)
    const blob = await fetch(`${base}/v2/range/short/blobs/${digestOf(whole)}`)
    assert.equal(digestOf(Buffer.from(await blob.arrayBuffer())), digestOf(whole))
  })

  it('refuses a final PUT chunk that does not match its Content-Range, without committing', async () => {
    const loc = await startUpload(base, 'range/put')
    const first = randomBytes(10)
    assert.equal((await fetch(loc, { method: 'PATCH', body: first })).status, 202)
    const last = randomBytes(50)
    const whole = Buffer.concat([first, last])
    await refused(await fetch(`${loc}?digest=${digestOf(whole)}`, { method: 'PUT', headers: { 'content-range': '10-19' }, ...chunked(last) }))
    assert.equal(await rangeOf(loc), '0-9', 'still open at the old offset')
    assert.equal((await fetch(`${base}/v2/range/put/blobs/${digestOf(whole)}`, { method: 'HEAD' })).status, 404)
    const put = await fetch(`${loc}?digest=${digestOf(whole)}`, { method: 'PUT', headers: { 'content-range': '10-59' }, ...chunked(last) })
    assert.equal(put.status, 201)
  })
})
