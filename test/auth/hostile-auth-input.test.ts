// Hostile input at the auth edges: huge or malformed Authorization headers, garbage tokens,
// oversized or invalid JSON bodies and names. Each gets a clear 4xx, never a 500 or a hang.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'
import { ADMIN, basic, errorCode, startAuthFixture } from './auth-fixture.ts'

describe('hostile input to auth endpoints (inject)', () => {
  let fx: RegistryFixture
  before(async () => {
    fx = await startAuthFixture()
    await fx.app.ready()
  })
  after(() => fx.close())

  it('answers bad Authorization headers with 401', async () => {
    for (const authorization of ['Basic', 'Basic !!!', 'Basic ' + Buffer.from('nocolon').toString('base64'), 'Digest x', 'Bearer ' + 'a'.repeat(20_000), 'x'.repeat(17_000)]) {
      for (const url of ['/v2/', '/token', '/api/v1/users']) {
        const res = await fx.app.inject({ url, headers: { authorization } })
        assert.equal(res.statusCode, 401, `${url} with ${authorization.slice(0, 20)}`)
        assert.equal(errorCode(res), 'UNAUTHORIZED')
      }
    }
    const huge = await fx.app.inject({ url: '/token', headers: { authorization: basic('u'.repeat(5000), 'p'.repeat(5000)) } })
    assert.equal(huge.statusCode, 401)
  })

  it('refuses oversized, invalid and wrongly shaped bodies', async () => {
    const auth = { authorization: basic(ADMIN.user, ADMIN.password) }
    const big = await fx.app.inject({ method: 'POST', url: '/api/v1/users', headers: auth, payload: `{"name":"${'a'.repeat(70_000)}"}` })
    assert.equal(big.statusCode, 413)
    for (const payload of ['{', '[]', '"x"', '{"name":"Bad Name","password":"long-enough-password"}', '{"name":"ok","password":"short"}', '{"name":"robotx","password":"long-enough-password"}']) {
      const res = await fx.app.inject({ method: 'POST', url: '/api/v1/users', headers: auth, payload })
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${payload}: ${res.statusCode}`)
    }
    const form = await fx.app.inject({ method: 'POST', url: '/token', payload: 'grant_type=password&username=' + 'x'.repeat(20_000) })
    assert.equal(form.statusCode, 413)
    const badGrant = await fx.app.inject({ method: 'POST', url: '/token', payload: 'grant_type=client_credentials' })
    assert.equal(badGrant.statusCode, 400)
    const badService = await fx.app.inject({ url: '/token?service=evil' })
    assert.equal(badService.statusCode, 400)
    const badTarget = await fx.app.inject({ method: 'DELETE', url: '/api/v1/users/..%2F..', headers: auth })
    assert.ok(badTarget.statusCode === 400 || badTarget.statusCode === 404)
  })

  it('ignores malformed scopes instead of failing', async () => {
    const res = await fx.app.inject({ url: '/token?service=drydock&scope=repository:Bad Name:pull&scope=::::&scope=' + 'x'.repeat(3000) })
    assert.equal(res.statusCode, 200)
    const claims = JSON.parse(Buffer.from((JSON.parse(res.body) as { token: string }).token.split('.')[1] ?? '', 'base64url').toString()) as { access: unknown[] }
    assert.deepEqual(claims.access, [])
  })
})
