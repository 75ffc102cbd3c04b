import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RegistryError } from '../../oci/errors.ts'
import { startFixture, type RegistryFixture } from '../testing/registry-fixture.ts'

interface Envelope {
  errors: Array<{ code: string; message: string; detail?: unknown }>
}

describe('error envelope, base endpoints and headers', () => {
  let fx: RegistryFixture
  before(async () => {
    fx = await startFixture()
  })
  after(() => fx.close())

  it('GET /v2/ answers 200 {} with the API version header and security headers', async () => {
    for (const url of ['/v2/', '/v2']) {
      const res = await fx.app.inject({ url })
      assert.equal(res.statusCode, 200)
      assert.deepEqual(JSON.parse(res.body), {})
      assert.equal(res.headers['docker-distribution-api-version'], 'registry/2.0')
      assert.equal(res.headers['x-content-type-options'], 'nosniff')
      assert.equal(res.headers['x-frame-options'], 'DENY')
      assert.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'")
      assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP')
    }
  })

  it('maps client mistakes to spec codes in the envelope, never 500', async () => {
    const cases: Array<[string, string, number, string]> = [
      ['GET', '/v2/UPPER/case/manifests/latest', 400, 'NAME_INVALID'],
      ['GET', '/v2/a/blobs/sha256:zz', 400, 'DIGEST_INVALID'],
      ['GET', '/v2/a/blobs/md5:0123', 400, 'DIGEST_INVALID'],
      ['GET', '/v2/a/manifests/sha256:short', 400, 'DIGEST_INVALID'],
      ['GET', '/v2/a/blobs/uploads/%E0%A4%A', 400, 'NAME_INVALID'],
      ['POST', '/v2/a/manifests/latest', 405, 'UNSUPPORTED'],
      ['GET', '/v2/a/unknown-endpoint', 404, 'UNSUPPORTED'],
      ['GET', '/not-an-api', 404, 'UNSUPPORTED'],
    ]
    for (const [method, url, status, code] of cases) {
      const res = await fx.app.inject({ method: method as 'GET', url })
      assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`)
      const body = JSON.parse(res.body) as Envelope
      assert.equal(body.errors[0]?.code, code, `${method} ${url}`)
      assert.equal(typeof body.errors[0]?.message, 'string')
      assert.equal(res.headers['x-content-type-options'], 'nosniff', 'security headers on errors too')
    }
  })

  it('turns unexpected errors into 500 UNKNOWN without leaking internals', async () => {
    fx.app.drydock.tags.list = async () => {
      throw new Error('secret internal detail')
    }
    const res = await fx.app.inject({ url: '/v2/x/tags/list' })
    assert.equal(res.statusCode, 500)
    const body = JSON.parse(res.body) as Envelope
    assert.equal(body.errors[0]?.code, 'UNKNOWN')
    assert.doesNotMatch(res.body, /secret internal detail/)
  })

  it('sends RegistryError headers and status overrides', () => {
    const err = new RegistryError('BLOB_UPLOAD_INVALID', 'x', { status: 416, headers: { Range: '0-9' } })
    assert.equal(err.status, 416)
    assert.equal(err.headers['Range'], '0-9')
  })

  it('answers /healthz and /readyz', async () => {
    assert.equal((await fx.app.inject({ url: '/healthz' })).statusCode, 200)
    const ready = await fx.app.inject({ url: '/readyz' })
    assert.equal(ready.statusCode, 200)
    assert.deepEqual(JSON.parse(ready.body), { status: 'ok', checks: { metadata: 'ok', storage: 'ok' } })
  })
})
