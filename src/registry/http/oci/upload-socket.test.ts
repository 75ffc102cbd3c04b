/**
 * Uploads over a real socket (listen on port 0 + fetch / node:http): streamed chunked bodies,
 * out-of-order chunks, a client that disconnects mid-chunk, resuming after a restart on the same
 * data dir, and expiry with a fake clock.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { digestOf } from '../../../oci/digest.ts'
import { startFixture, type RegistryFixture } from '../../testing/registry-fixture.ts'

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 })
}

/** A request body that arrives in several writes, with chunked transfer encoding. */
function streamOf(data: Buffer, chunk: number): ReadableStream<Uint8Array> {
  let off = 0
  return new ReadableStream({
    pull(controller) {
      if (off >= data.length) return controller.close()
      controller.enqueue(data.subarray(off, off + chunk))
      off += chunk
    },
  })
}

async function startUpload(base: string, name: string): Promise<string> {
  const res = await fetch(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST' })
  assert.equal(res.status, 202)
  return new URL(res.headers.get('location') ?? '', base).toString()
}

async function offsetOf(location: string): Promise<number> {
  const res = await fetch(location)
  assert.equal(res.status, 204)
  const range = res.headers.get('range') ?? ''
  const end = Number(range.split('-')[1])
  return end === 0 ? 0 : end + 1
}

describe('uploads over a real socket', () => {
  let fx: RegistryFixture
  let base: string
  beforeEach(async () => {
    fx = await startFixture({ uploads: { expiryMs: 60_000, idleTimeoutMs: 60_000, purgeIntervalMs: 1000 } })
    base = await listen(fx.app)
  })
  afterEach(() => fx.close())

  it('streams a multi-megabyte chunked PATCH without Content-Length, then commits it', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5)
    const loc = await startUpload(base, 'sock/stream')
    const patch = await fetch(loc, { method: 'PATCH', body: streamOf(data, 256 * 1024), duplex: 'half' } as RequestInit)
    assert.equal(patch.status, 202)
    assert.equal(patch.headers.get('range'), `0-${data.length - 1}`)
    const digest = digestOf(data)
    const put = await fetch(`${loc}?digest=${digest}`, { method: 'PUT' })
    assert.equal(put.status, 201)
    const get = await fetch(`${base}/v2/sock/stream/blobs/${digest}`)
    assert.equal(digestOf(Buffer.from(await get.arrayBuffer())), digest)
  })

  it('answers out-of-order chunks with 416 and the Range to resume from', async () => {
    const loc = await startUpload(base, 'sock/order')
    assert.equal((await fetch(loc, { method: 'PATCH', body: 'abcd', headers: { 'content-range': '0-3' } })).status, 202)
    const bad = await fetch(loc, { method: 'PATCH', body: 'abcd', headers: { 'content-range': '0-3' } })
    assert.equal(bad.status, 416)
    assert.equal(bad.headers.get('range'), '0-3')
    await bad.arrayBuffer()
  })

  it('keeps what arrived before a client disconnect, and the upload resumes from there', async () => {
    const data = randomBytes(2 * 1024 * 1024)
    const loc = new URL(await startUpload(base, 'sock/abort'))
    const sent = 1024 * 1024
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: loc.hostname, port: loc.port, path: loc.pathname, method: 'PATCH',
        headers: { 'content-length': String(data.length), 'content-type': 'application/octet-stream' },
      })
      req.on('error', () => resolve())
      req.write(data.subarray(0, sent), () => {
        setTimeout(() => {
          req.destroy()
          resolve()
        }, 300)
      })
    })
    let offset = 0
    for (let i = 0; i < 50 && offset === 0; i++) {
      await new Promise((r) => setTimeout(r, 100))
      offset = await offsetOf(loc.toString())
    }
    assert.ok(offset > 0 && offset <= sent, `offset ${offset} reflects the bytes that arrived`)
    const rest = await fetch(loc, { method: 'PATCH', body: data.subarray(offset), headers: { 'content-range': `${offset}-${data.length - 1}` } })
    assert.equal(rest.status, 202)
    const put = await fetch(`${loc}?digest=${digestOf(data)}`, { method: 'PUT' })
    assert.equal(put.status, 201)
  })

  it('resumes an upload after a restart on the same data dir (re-hashing from disk)', async () => {
    const data = randomBytes(600_000)
    const loc = await startUpload(base, 'sock/restart')
    const path = new URL(loc).pathname
    assert.equal((await fetch(loc, { method: 'PATCH', body: data.subarray(0, 250_000) })).status, 202)
    const app2 = await fx.restart()
    const base2 = await listen(app2)
    const loc2 = `${base2}${path}`
    assert.equal(await offsetOf(loc2), 250_000)
    const more = await fetch(loc2, { method: 'PATCH', body: data.subarray(250_000), headers: { 'content-range': `250000-${data.length - 1}` } })
    assert.equal(more.status, 202)
    assert.equal((await fetch(`${loc2}?digest=${digestOf(data)}`, { method: 'PUT' })).status, 201)
    const wrong = await startUpload(base2, 'sock/restart')
    await fetch(wrong, { method: 'PATCH', body: 'abc' })
    const app3 = await fx.restart()
    const base3 = await listen(app3)
    const bad = await fetch(`${base3}${new URL(wrong).pathname}?digest=${digestOf('abd')}`, { method: 'PUT' })
    assert.equal(bad.status, 400, 'the re-hash after a restart still catches a wrong digest')
    await bad.arrayBuffer()
  })

  it('expires idle sessions and the purge job removes their data', async () => {
    const idle = await startUpload(base, 'sock/expiry')
    const id = new URL(idle).pathname.split('/').pop() ?? ''
    await fetch(idle, { method: 'PATCH', body: 'some bytes' })
    const uploadDir = join(fx.dataDir, 'storage', 'uploads', id)
    assert.equal(existsSync(uploadDir), true)
    fx.clock.advance(30_000)
    assert.equal(await offsetOf(idle), 10, 'still alive before the expiry')
    fx.clock.advance(61_000)
    assert.equal(await fx.app.drydock.uploads.purgeExpired(), 1)
    assert.equal(existsSync(uploadDir), false)
    const gone = await fetch(idle)
    assert.equal(gone.status, 404)
    assert.equal(((await gone.json()) as { errors: Array<{ code: string }> }).errors[0]?.code, 'BLOB_UPLOAD_UNKNOWN')
    const late = await startUpload(base, 'sock/expiry')
    fx.clock.advance(61_000)
    assert.equal((await fetch(late)).status, 404, 'an expired session is unknown even before the purge runs')
  })
})

describe('commit over a real socket after the body is fully read', () => {
  it('re-hashes a sha512 upload sent as one POST with a body (no premature abort)', async () => {
    const fx = await startFixture()
    try {
      const base = await listen(fx.app)
      const data = randomBytes(200_000)
      const d = digestOf(data, 'sha512')
      const res = await fetch(`${base}/v2/sock/s512/blobs/uploads/?digest=${d}`, { method: 'POST', body: data })
      assert.equal(res.status, 201)
      const loc = await startUpload(base, 'sock/s512')
      const put = await fetch(`${loc}?digest=${digestOf(data.subarray(0, 1000), 'sha512')}`, { method: 'PUT', body: data.subarray(0, 1000) })
      assert.equal(put.status, 201)
    } finally {
      await fx.close()
    }
  })
})

describe('errors after the request body was read, over a real socket', () => {
  it('answers a wrong digest on a PUT with a body promptly with DIGEST_INVALID', async () => {
    const fx = await startFixture()
    try {
      const base = await listen(fx.app)
      const loc = await startUpload(base, 'sock/wrong')
      const put = await fetch(`${loc}?digest=${digestOf('other')}`, { method: 'PUT', body: 'data', signal: AbortSignal.timeout(5000) })
      assert.equal(put.status, 400)
      assert.equal(((await put.json()) as { errors: Array<{ code: string }> }).errors[0]?.code, 'DIGEST_INVALID')
      const bad = await fetch(`${base}/v2/sock/wrong/manifests/v1`, { method: 'PUT', body: '{"schemaVersion":2}', signal: AbortSignal.timeout(5000) })
      assert.equal(bad.status, 400)
    } finally {
      await fx.close()
    }
  })
})
