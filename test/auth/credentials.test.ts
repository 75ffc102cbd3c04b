// Personal access tokens, robot accounts, login passwords, brute-force backoff and signing-key
// rotation, through the management API and the token endpoint (inject()).
import assert from 'node:assert/strict'
import { parseCredential } from '../../src/registry/auth/secret-credential.ts'
import { after, before, describe, it } from 'node:test'
import type { RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'
import { admin, api, bearer, errorCode, startAuthFixture, tokenRequest } from './auth-fixture.ts'
import { pushImage } from './push-helpers.ts'

const carol = { user: 'carol', secret: 'carol-password-long-1' }
type Access = Array<{ name: string; actions: string[] }>
const accessOf = (body: string): Access =>
  (JSON.parse(Buffer.from((JSON.parse(body) as { token: string }).token.split('.')[1] ?? '', 'base64url').toString()) as { access: Access }).access

describe('credentials (inject)', () => {
  let fx: RegistryFixture
  before(async () => {
    fx = await startAuthFixture({ lockoutThreshold: 100 })
    await fx.app.ready()
    await api(fx.app, admin, 'POST', '/api/v1/users', { name: carol.user, password: carol.secret })
    await api(fx.app, admin, 'POST', '/api/v1/orgs', { name: 'shop' })
  })
  after(() => fx.close())

  it('personal access tokens: scoped, shown once, stored hashed, last-used time, revocable', async () => {
    const created = await api<{ id: string; token: string }>(fx.app, carol, 'POST', '/api/v1/tokens', {
      description: 'ci', actions: ['pull'], targets: ['carol/app'], expiresIn: 3600,
    })
    assert.match(created.token, /^ddp_[a-z2-9]{12}_/)
    const pat = { user: 'carol', secret: created.token }
    const ok = await tokenRequest(fx.app, pat, 'repository:carol/app:pull,push', 'repository:carol/other:pull')
    assert.equal(ok.statusCode, 200)
    assert.deepEqual(accessOf(ok.body), [
      { type: 'repository', name: 'carol/app', actions: ['pull'] },
      { type: 'repository', name: 'carol/other', actions: [] },
    ], 'the token grants only its actions on its targets')
    const listed = await api<{ tokens: Array<Record<string, unknown>> }>(fx.app, carol, 'GET', '/api/v1/tokens')
    const entry = listed.tokens.find((t) => t['id'] === created.id)
    assert.ok(entry?.['lastUsedAt'], 'last-used time recorded')
    assert.ok(!JSON.stringify(listed).includes(secretOf(created.token)), 'the secret is never listed')
    const other = await tokenRequest(fx.app, pat, 'repository:carol/other:pull')
    const denied = await fx.app.inject({ url: '/v2/carol/other/tags/list', headers: { authorization: `Bearer ${(JSON.parse(other.body) as { token: string }).token}` } })
    assert.equal(denied.statusCode, 403, 'a token for another repository is denied')
    assert.equal(errorCode(denied), 'DENIED')
    await api(fx.app, carol, 'DELETE', `/api/v1/tokens/${created.id}`)
    const revoked = await tokenRequest(fx.app, pat, 'repository:carol/app:pull')
    assert.equal(revoked.statusCode, 401)
    assert.match(revoked.body, /token revoked/)
  })

  it('tokens must expire, and expired tokens are refused', async () => {
    const noExpiry = await fx.app.inject({
      method: 'POST', url: '/api/v1/tokens', payload: JSON.stringify({ actions: ['pull'], targets: ['*'] }),
      headers: { authorization: `Basic ${Buffer.from(`${carol.user}:${carol.secret}`).toString('base64')}` },
    })
    assert.equal(noExpiry.statusCode, 400)
    const t = await api<{ token: string }>(fx.app, carol, 'POST', '/api/v1/tokens', { actions: ['pull'], targets: ['*'], expiresIn: 60 })
    fx.clock.advance(61_000)
    const res = await tokenRequest(fx.app, { user: 'carol', secret: t.token })
    assert.equal(res.statusCode, 401)
    assert.match(res.body, /token expired/)
  })

  it('a pull-only robot can pull but its push is denied with 403', async () => {
    const pusher = await api<{ name: string; secret: string }>(fx.app, admin, 'POST', '/api/v1/orgs/shop/robots', {
      name: 'ci', grants: [{ target: 'shop/*', role: 'write' }],
    })
    assert.equal(pusher.name, 'robot$shop+ci')
    const ci = { user: pusher.name, secret: pusher.secret }
    assert.equal((await pushImage(fx.app, 'shop/web', 'v1', await bearer(fx.app, ci, 'repository:shop/web:pull,push'))).statusCode, 201)
    const reader = await api<{ name: string; secret: string }>(fx.app, admin, 'POST', '/api/v1/orgs/shop/robots', {
      name: 'deploy', grants: [{ target: 'shop/web', role: 'read' }],
    })
    const deploy = { user: reader.name, secret: reader.secret }
    const t = await bearer(fx.app, deploy, 'repository:shop/web:pull,push')
    assert.equal((await fx.app.inject({ url: '/v2/shop/web/manifests/v1', headers: { authorization: t, accept: '*/*' } })).statusCode, 200)
    const push = await pushImage(fx.app, 'shop/web', 'v2', t)
    assert.equal(push.statusCode, 403)
    assert.equal(errorCode(push), 'DENIED')
    const outside = await api(fx.app, admin, 'POST', '/api/v1/orgs/shop/robots', { name: 'x', grants: [{ target: 'other/*', role: 'read' }] }, [400])
    assert.ok(outside)
  })

  it('login-password gives a password usable as a docker login password', async () => {
    const lp = await api<{ username: string; password: string; expiresAt: string }>(fx.app, carol, 'POST', '/api/v1/login-password')
    assert.equal(lp.username, 'carol')
    assert.equal(Date.parse(lp.expiresAt) - fx.clock.now().getTime(), 12 * 3600 * 1000)
    const res = await tokenRequest(fx.app, { user: 'carol', secret: lp.password }, 'repository:carol/x:pull,push')
    assert.deepEqual(accessOf(res.body)[0]?.actions, ['pull', 'push'])
    fx.clock.advance(12 * 3600 * 1000 + 1000)
    assert.equal((await tokenRequest(fx.app, { user: 'carol', secret: lp.password })).statusCode, 401)
  })

  it('rotates the signing key without invalidating tokens already issued', async () => {
    const before = await bearer(fx.app, carol, 'repository:carol/app:pull')
    const { kid } = await api<{ kid: string }>(fx.app, admin, 'POST', '/api/v1/keys/rotate')
    const after = await bearer(fx.app, carol, 'repository:carol/app:pull')
    const kidOf = (t: string) => (JSON.parse(Buffer.from(t.slice(7).split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid
    assert.equal(kidOf(after), kid)
    assert.notEqual(kidOf(before), kid)
    for (const t of [before, after]) {
      assert.equal((await fx.app.inject({ url: '/v2/', headers: { authorization: t } })).statusCode, 200)
    }
    fx.clock.advance(301_000)
    assert.equal((await fx.app.inject({ url: '/v2/', headers: { authorization: before } })).statusCode, 401)
  })

  it('management needs rights: a plain user cannot create users or read the audit log', async () => {
    await api(fx.app, carol, 'POST', '/api/v1/users', { name: 'eve', password: 'eve-password-long-1' }, [403])
    await api(fx.app, carol, 'GET', '/api/v1/audit', undefined, [403])
    await api(fx.app, carol, 'POST', '/api/v1/orgs/shop/robots', { name: 'y', grants: [{ target: 'shop/*', role: 'read' }] }, [403])
    // Namespaces cannot collide: no user named like an org, no org named like a user.
    await api(fx.app, admin, 'POST', '/api/v1/users', { name: 'shop', password: 'shop-password-long-1' }, [409])
    await api(fx.app, admin, 'POST', '/api/v1/orgs', { name: 'carol' }, [409])
  })
})

describe('brute-force protection (inject)', () => {
  it('backs off exponentially after repeated failures, per (user, address) and per address over accounts', async (t) => {
    const fx = await startAuthFixture({ lockoutThreshold: 3, lockoutAccountsPerAddress: 3 })
    t.after(() => fx.close())
    await api(fx.app, admin, 'POST', '/api/v1/users', { name: carol.user, password: carol.secret })
    const bad = { user: 'carol', secret: 'not-the-password' }
    for (let i = 0; i < 3; i++) assert.equal((await tokenRequest(fx.app, bad)).statusCode, 401)
    const locked = await tokenRequest(fx.app, { user: 'carol', secret: carol.secret })
    assert.equal(locked.statusCode, 429, 'even the right password waits')
    assert.equal(errorCode(locked), 'TOOMANYREQUESTS')
    assert.equal(locked.headers['retry-after'], '1')
    fx.clock.advance(1100)
    assert.equal((await tokenRequest(fx.app, bad)).statusCode, 401)
    const longer = await tokenRequest(fx.app, bad)
    assert.equal(longer.statusCode, 429)
    assert.equal(longer.headers['retry-after'], '2', 'the wait doubles')
    fx.clock.advance(2100)
    assert.equal((await tokenRequest(fx.app, { user: 'carol', secret: carol.secret })).statusCode, 200)

    // Per address: guesses at many names from one address are slowed down too (the third
    // distinct account reaches the ceiling of 3).
    for (let i = 0; i < 2; i++) await fx.app.inject({ url: '/token', remoteAddress: '::1', headers: { authorization: `Basic ${Buffer.from(`u${i}:guess-guess`).toString('base64')}` } })
    const third = await fx.app.inject({ url: '/token', remoteAddress: '::1', headers: { authorization: `Basic ${Buffer.from('u9:guess-guess').toString('base64')}` } })
    assert.equal(third.statusCode, 401)
    const fourth = await fx.app.inject({ url: '/token', remoteAddress: '::1', headers: { authorization: `Basic ${Buffer.from('u10:guess-guess').toString('base64')}` } })
    assert.equal(fourth.statusCode, 429)
  })
})

/** The secret part of a generated credential (it may itself contain `_`). */
function secretOf(value: string): string {
  const parsed = parseCredential(value)
  assert.ok(parsed, `not a generated credential: ${value.slice(0, 8)}…`)
  return parsed.secret
}
