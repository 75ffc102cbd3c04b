/**
 * Upload limits through the HTTP API (inject() and a real socket): the blob size limit up front
 * and mid-stream, the cap on open sessions, and the free-space floor (real statfs of the data dir).
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { afterEach, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { digestOf } from '../../../oci/digest.ts'
import { DEFAULT_CONFIG, type LimitsConfig } from '../../config/config.ts'
import { startFixture, type RegistryFixture } from '../../testing/registry-fixture.ts'

const octet = { 'content-type': 'application/octet-stream' }

let fx: RegistryFixture | undefined
afterEach(async () => {
  await fx?.close()
  fx = undefined
})

async function withLimits(limits: Partial<LimitsConfig>): Promise<FastifyInstance> {
  fx = await startFixture({ limits: { ...DEFAULT_CONFIG.limits, minFreeBytes: 0, ...limits } })
  return fx.app
}

function errorOf(body: string): { code: string; message: string } {
  const e = (JSON.parse(body) as { errors: Array<{ code: string; message: string }> }).errors[0]
  assert.ok(e, `no error in ${body}`)
  return e
}

async function start(app: FastifyInstance, name: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: `/v2/${name}/blobs/uploads/` })
  assert.equal(res.statusCode, 202, res.body)
  return String(res.headers['location'])
}

async function offsetOf(app: FastifyInstance, location: string): Promise<number> {
  const res = await app.inject({ method: 'GET', url: location })
  assert.equal(res.statusCode, 204, res.body)
  const end = Number(String(res.headers['range']).split('-')[1])
  return end === 0 ? 0 : end + 1
}

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

describe('blob size limit', () => {
  it('refuses a monolithic POST over the limit with 413 SIZE_INVALID naming the limit, and stores nothing', async () => {
    const app = await withLimits({ maxBlobBytes: 1024 })
    const data = randomBytes(1025)
    const res = await app.inject({ method: 'POST', url: `/v2/lim/mono/blobs/uploads/?digest=${digestOf(data)}`, payload: data, headers: octet })
    assert.equal(res.statusCode, 413, res.body)
    const e = errorOf(res.body)
    assert.equal(e.code, 'SIZE_INVALID')
    assert.match(e.message, /maximum blob size of 1 KiB/)
    assert.equal((await app.inject({ method: 'HEAD', url: `/v2/lim/mono/blobs/${digestOf(data)}` })).statusCode, 404)
    const ok = randomBytes(1024)
    const put = await app.inject({ method: 'POST', url: `/v2/lim/mono/blobs/uploads/?digest=${digestOf(ok)}`, payload: ok, headers: octet })
    assert.equal(put.statusCode, 201, 'exactly the limit is allowed')
  })

  it('refuses a PATCH or PUT whose Content-Length or Content-Range passes the limit, leaving the offset unchanged', async () => {
    const app = await withLimits({ maxBlobBytes: 1024 })
    const loc = await start(app, 'lim/chunks')
    const first = randomBytes(1000)
    assert.equal((await app.inject({ method: 'PATCH', url: loc, payload: first, headers: octet })).statusCode, 202)
    const tooMuch = await app.inject({ method: 'PATCH', url: loc, payload: randomBytes(100), headers: octet })
    assert.equal(tooMuch.statusCode, 413, tooMuch.body)
    const ranged = await app.inject({ method: 'PATCH', url: loc, payload: randomBytes(100), headers: { ...octet, 'content-range': '1000-1099' } })
    assert.equal(ranged.statusCode, 413, ranged.body)
    const last = randomBytes(100)
    const put = await app.inject({ method: 'PUT', url: `${loc}?digest=${digestOf(Buffer.concat([first, last]))}`, payload: last, headers: octet })
    assert.equal(put.statusCode, 413, put.body)
    assert.equal(await offsetOf(app, loc), 1000)
    const fits = randomBytes(24)
    const done = await app.inject({ method: 'PUT', url: `${loc}?digest=${digestOf(Buffer.concat([first, fits]))}`, payload: fits, headers: octet })
    assert.equal(done.statusCode, 201, done.body)
  })

  it('cuts off a chunked (undeclared) body over a real socket; the session keeps exactly the bytes within the limit', async () => {
    const app = await withLimits({ maxBlobBytes: 64 * 1024 })
    const base = await app.listen({ host: '127.0.0.1', port: 0 })
    const data = randomBytes(256 * 1024)
    const loc = new URL(await start(app, 'lim/stream'), base).toString()
    const res = await fetch(loc, { method: 'PATCH', body: streamOf(data, 16 * 1024), duplex: 'half' } as RequestInit)
    assert.equal(res.status, 413)
    assert.equal(errorOf(await res.text()).code, 'SIZE_INVALID')
    const offset = await offsetOf(app, loc)
    assert.equal(offset, 64 * 1024, 'the session holds the bytes up to the limit, none past it')
    // What the session holds is exactly the prefix that was accepted: it commits under that digest.
    const put = await fetch(`${loc}?digest=${digestOf(data.subarray(0, offset))}`, { method: 'PUT' })
    assert.equal(put.status, 201, await put.text())
  })

  it('never commits a chunked final PUT over the limit', async () => {
    const app = await withLimits({ maxBlobBytes: 64 * 1024 })
    const base = await app.listen({ host: '127.0.0.1', port: 0 })
    const data = randomBytes(128 * 1024)
    const loc = new URL(await start(app, 'lim/final'), base).toString()
    const res = await fetch(`${loc}?digest=${digestOf(data)}`, { method: 'PUT', body: streamOf(data, 8 * 1024), duplex: 'half' } as RequestInit)
    assert.equal(res.status, 413, await res.text())
    assert.equal((await fetch(`${base}/v2/lim/final/blobs/${digestOf(data)}`, { method: 'HEAD' })).status, 404)
  })

  it('0 means unlimited', async () => {
    const app = await withLimits({ maxBlobBytes: 0 })
    const data = randomBytes(2 * 1024 * 1024)
    const res = await app.inject({ method: 'POST', url: `/v2/lim/free/blobs/uploads/?digest=${digestOf(data)}`, payload: data, headers: octet })
    assert.equal(res.statusCode, 201, res.body)
  })
})

describe('open upload sessions cap', () => {
  it('answers 429 TOOMANYREQUESTS per repository and in total; cancelled, committed and expired sessions do not count', async () => {
    const app = await withLimits({ maxOpenUploads: { total: 3, perRepository: 2, perPrincipal: 0 } })
    const a1 = await start(app, 'cap/a')
    await start(app, 'cap/a')
    const perRepo = await app.inject({ method: 'POST', url: '/v2/cap/a/blobs/uploads/' })
    assert.equal(perRepo.statusCode, 429, perRepo.body)
    assert.equal(errorOf(perRepo.body).code, 'TOOMANYREQUESTS')
    assert.match(errorOf(perRepo.body).message, /repository cap\/a \(limit 2\)/)
    await start(app, 'cap/b')
    const total = await app.inject({ method: 'POST', url: '/v2/cap/c/blobs/uploads/' })
    assert.equal(total.statusCode, 429, total.body)
    assert.match(errorOf(total.body).message, /in the registry \(limit 3\)/)
    // A monolithic push needs a session too.
    const data = randomBytes(10)
    const mono = await app.inject({ method: 'POST', url: `/v2/cap/c/blobs/uploads/?digest=${digestOf(data)}`, payload: data, headers: octet })
    assert.equal(mono.statusCode, 429, mono.body)

    assert.equal((await app.inject({ method: 'DELETE', url: a1 })).statusCode, 204)
    const c = await start(app, 'cap/c')
    const put = await app.inject({ method: 'PUT', url: `${c}?digest=${digestOf(data)}`, payload: data, headers: octet })
    assert.equal(put.statusCode, 201, put.body)
    await start(app, 'cap/c')
    assert.equal((await app.inject({ method: 'POST', url: '/v2/cap/d/blobs/uploads/' })).statusCode, 429)

    fx?.clock.advance(DEFAULT_CONFIG.uploads.expiryMs + 1)
    await start(app, 'cap/d')
    await start(app, 'cap/d')
  })

  it('holds under concurrent POSTs', async () => {
    const app = await withLimits({ maxOpenUploads: { total: 0, perRepository: 5, perPrincipal: 0 } })
    const all = await Promise.all(Array.from({ length: 12 }, () => app.inject({ method: 'POST', url: '/v2/cap/race/blobs/uploads/' })))
    assert.equal(all.filter((r) => r.statusCode === 202).length, 5)
    assert.equal(all.filter((r) => r.statusCode === 429).length, 7)
  })
})

describe('free-space floor', () => {
  it('refuses to start an upload with 503 UNAVAILABLE when the data dir has less free space than the floor', async () => {
    // No disk has 8 PiB free, so statfs of the real data dir is below this floor.
    const app = await withLimits({ minFreeBytes: 8 * 1024 ** 5 })
    const res = await app.inject({ method: 'POST', url: '/v2/disk/full/blobs/uploads/' })
    assert.equal(res.statusCode, 503, res.body)
    const e = errorOf(res.body)
    assert.equal(e.code, 'UNAVAILABLE')
    assert.match(e.message, /limits\.minFreeSpace/)
    const data = randomBytes(10)
    const mono = await app.inject({ method: 'POST', url: `/v2/disk/full/blobs/uploads/?digest=${digestOf(data)}`, payload: data, headers: octet })
    assert.equal(mono.statusCode, 503, mono.body)
  })

  it('lets uploads start when the floor is met', async () => {
    const app = await withLimits({ minFreeBytes: 1 })
    await start(app, 'disk/ok')
  })
})

describe('a refused body that never ends', () => {
  it('gets its 413 and then the connection is closed, not held open by the rest of the body', async () => {
    const app = await withLimits({ maxBlobBytes: 1024 })
    const base = new URL(await app.listen({ host: '127.0.0.1', port: 0 }))
    const loc = await start(app, 'lim/endless')
    const started = Date.now()
    const { status, closedAfter } = await new Promise<{ status: number; closedAfter: number }>((resolve, reject) => {
      let status = 0
      const req = httpRequest({ host: base.hostname, port: base.port, method: 'PATCH', path: loc, headers: { ...octet, 'transfer-encoding': 'chunked' } })
      req.on('response', (res) => {
        status = res.statusCode ?? 0
        res.resume()
      })
      // Keep sending until the server hangs up.
      const chunk = Buffer.alloc(16 * 1024, 1)
      const pump = setInterval(() => req.write(chunk), 5)
      req.on('error', () => undefined)
      req.on('close', () => {
        clearInterval(pump)
        resolve({ status, closedAfter: Date.now() - started })
      })
      setTimeout(() => {
        clearInterval(pump)
        req.destroy()
        reject(new Error('the server kept the connection open for 20s'))
      }, 20_000).unref()
    })
    assert.equal(status, 413)
    assert.ok(closedAfter < 15_000, `closed after ${closedAfter}ms`)
    assert.equal(await offsetOf(app, loc), 1024)
  })
})
