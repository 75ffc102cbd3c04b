// The /v2 gate and the token endpoint with auth on, over inject(): the challenge, exactly-granted
// access claims, and every denial (wrong password, expired/revoked/foreign tokens, pull-only
// robot pushing, anonymous on a private repository, mount from an unreadable repository).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'
import { admin, api, basic, bearer, errorCode, startAuthFixture, tokenRequest } from './auth-fixture.ts'
import { layerDigest, pushImage } from './push-helpers.ts'

const alice = { user: 'alice', secret: 'alice-password-long-1' }
const bob = { user: 'bob', secret: 'bob-password-long-22' }

function claims(token: string): { sub: string; access: Array<{ type: string; name: string; actions: string[] }>; exp: number; iat: number } {
  return JSON.parse(Buffer.from(token.replace(/^Bearer /, '').split('.')[1] ?? '', 'base64url').toString()) as never
}

describe('registry access control (inject)', () => {
  let fx: RegistryFixture
  before(async () => {
    fx = await startAuthFixture()
    await fx.app.ready()
    for (const u of [alice, bob]) await api(fx.app, admin, 'POST', '/api/v1/users', { name: u.user, password: u.secret })
    await api(fx.app, admin, 'POST', '/api/v1/orgs', { name: 'acme' })
    await api(fx.app, admin, 'POST', '/api/v1/orgs/acme/teams', { name: 'devs' })
    await api(fx.app, admin, 'PUT', '/api/v1/orgs/acme/teams/devs/members/alice')
    await api(fx.app, admin, 'PUT', '/api/v1/orgs/acme/teams/devs/grants', { target: 'acme/*', role: 'write' })
  })
  after(() => fx.close())

  it('answers anonymous /v2/ with 401 and the Bearer challenge', async () => {
    const res = await fx.app.inject({ url: '/v2/' })
    assert.equal(res.statusCode, 401)
    assert.equal(errorCode(res), 'UNAUTHORIZED')
    assert.match(String(res.headers['www-authenticate']), /^Bearer realm="http:\/\/localhost(:\d+)?\/token",service="drydock"$/)
    const push = await fx.app.inject({ method: 'POST', url: '/v2/acme/app/blobs/uploads/' })
    assert.equal(push.statusCode, 401)
    assert.match(String(push.headers['www-authenticate']), /scope="repository:acme\/app:pull,push"/)
  })

  it('issues a signed token with exactly the granted actions', async () => {
    const res = await tokenRequest(fx.app, alice, 'repository:acme/app:pull,push,delete', 'repository:other/x:pull')
    assert.equal(res.statusCode, 200)
    const body = JSON.parse(res.body) as { token: string; access_token: string; expires_in: number; issued_at: string }
    assert.equal(body.token, body.access_token)
    assert.equal(body.expires_in, 300)
    assert.ok(!Number.isNaN(Date.parse(body.issued_at)))
    const c = claims(body.token)
    assert.equal(c.sub, 'alice')
    assert.equal(c.exp - c.iat, 300)
    assert.deepEqual(c.access, [
      { type: 'repository', name: 'acme/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'other/x', actions: [] },
    ])
    const header = JSON.parse(Buffer.from(body.token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, string>
    assert.equal(header['alg'], 'EdDSA')
    assert.ok(header['kid'])
  })

  it('lets a team member push and pull in the org namespace, and a user in their own namespace', async () => {
    const t = await bearer(fx.app, alice, 'repository:acme/app:pull,push')
    assert.equal((await pushImage(fx.app, 'acme/app', 'v1', t)).statusCode, 201)
    const get = await fx.app.inject({ url: '/v2/acme/app/manifests/v1', headers: { authorization: t, accept: '*/*' } })
    assert.equal(get.statusCode, 200)
    const own = await bearer(fx.app, bob, 'repository:bob/tool:pull,push')
    assert.equal((await pushImage(fx.app, 'bob/tool', 'v1', own)).statusCode, 201)
  })

  it('refuses a wrong password at the token endpoint with 401 UNAUTHORIZED', async () => {
    const res = await tokenRequest(fx.app, { user: 'alice', secret: 'wrong-password-xx' }, 'repository:acme/app:pull')
    assert.equal(res.statusCode, 401)
    assert.equal(errorCode(res), 'UNAUTHORIZED')
    const unknown = await tokenRequest(fx.app, { user: 'nobody', secret: 'whatever-password' })
    assert.equal(unknown.statusCode, 401)
    assert.equal(JSON.parse(unknown.body).errors[0].message, JSON.parse(res.body).errors[0].message, 'no user enumeration')
  })

  it('denies an authenticated user without rights with 403 DENIED, and anonymous with 401', async () => {
    const t = await bearer(fx.app, bob, 'repository:acme/app:pull,push')
    const pull = await fx.app.inject({ url: '/v2/acme/app/manifests/v1', headers: { authorization: t } })
    assert.equal(pull.statusCode, 403)
    assert.equal(errorCode(pull), 'DENIED')
    const anon = await bearer(fx.app, undefined, 'repository:acme/app:pull')
    const res = await fx.app.inject({ url: '/v2/acme/app/manifests/v1', headers: { authorization: anon } })
    assert.equal(res.statusCode, 401)
    assert.equal(errorCode(res), 'UNAUTHORIZED')
    assert.match(String(res.headers['www-authenticate']), /scope="repository:acme\/app:pull",error="insufficient_scope"/)
    const bare = await fx.app.inject({ url: '/v2/acme/app/manifests/v1' })
    assert.equal(bare.statusCode, 401)
  })

  it('asks for a new token (401 insufficient_scope) when the token never mentioned the repository', async () => {
    const t = await bearer(fx.app, alice, 'repository:acme/app:pull')
    const res = await fx.app.inject({ url: '/v2/acme/other/tags/list', headers: { authorization: t } })
    assert.equal(res.statusCode, 401)
    assert.match(String(res.headers['www-authenticate']), /error="insufficient_scope"/)
  })

  it('asks for a new token (401) when the token lacks an action its subject has, e.g. a pull token on an upload', async () => {
    const pt = await bearer(fx.app, alice, 'repository:acme/app:pull,push')
    const start = await fx.app.inject({ method: 'POST', url: '/v2/acme/app/blobs/uploads/', headers: { authorization: pt } })
    assert.equal(start.statusCode, 202)
    const pullOnly = await bearer(fx.app, alice, 'repository:acme/app:pull')
    const status = await fx.app.inject({ url: String(start.headers.location), headers: { authorization: pullOnly } })
    assert.equal(status.statusCode, 401, 'alice may push: her client only asked for too little')
    assert.match(String(status.headers['www-authenticate']), /scope="repository:acme\/app:pull,push",error="insufficient_scope"/)
    const del = await fx.app.inject({ method: 'DELETE', url: '/v2/acme/app/manifests/v1', headers: { authorization: pullOnly } })
    assert.equal(del.statusCode, 403, 'alice may not delete in acme/app: asking again would not help')
    assert.equal(errorCode(del), 'DENIED')
  })

  it('lets anyone pull a public repository, pull only', async () => {
    await api(fx.app, admin, 'PUT', '/api/v1/visibility', { repository: 'acme/app', public: true })
    const anon = await fx.app.inject({ url: '/v2/acme/app/manifests/v1', headers: { accept: '*/*' } })
    assert.equal(anon.statusCode, 200)
    const push = await pushImage(fx.app, 'acme/app', 'v2', await bearer(fx.app, undefined, 'repository:acme/app:pull,push'))
    assert.equal(push.statusCode, 401)
    await api(fx.app, admin, 'PUT', '/api/v1/visibility', { repository: 'acme/app', public: false })
    assert.equal((await fx.app.inject({ url: '/v2/acme/app/manifests/v1' })).statusCode, 401)
  })

  it('rejects an expired token, a forged signature and alg=none', async () => {
    const t = await bearer(fx.app, alice, 'repository:acme/app:pull')
    fx.clock.advance(301_000)
    const res = await fx.app.inject({ url: '/v2/acme/app/tags/list', headers: { authorization: t } })
    assert.equal(res.statusCode, 401)
    assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/)
    const fresh = (await bearer(fx.app, alice, 'repository:acme/app:pull')).slice(7)
    const [h, p] = fresh.split('.')
    const forgedClaims = Buffer.from(JSON.stringify({ ...claims(fresh), sub: 'root' })).toString('base64url')
    const forged = await fx.app.inject({ url: '/v2/acme/app/tags/list', headers: { authorization: `Bearer ${h}.${forgedClaims}.${fresh.split('.')[2]}` } })
    assert.equal(forged.statusCode, 401)
    const none = Buffer.from('{"alg":"none","kid":"x"}').toString('base64url')
    assert.equal((await fx.app.inject({ url: '/v2/', headers: { authorization: `Bearer ${none}.${p}.` } })).statusCode, 401)
  })

  it('falls back to a normal upload when the caller cannot read the mount source', async () => {
    const t = await bearer(fx.app, bob, 'repository:bob/copy:pull,push', 'repository:acme/app:pull')
    const digest = layerDigest('acme/app', 'v1')
    const res = await fx.app.inject({ method: 'POST', url: `/v2/bob/copy/blobs/uploads/?mount=${digest}&from=acme/app`, headers: { authorization: t } })
    assert.equal(res.statusCode, 202, 'no mount: an upload session instead')
    const auto = await fx.app.inject({ method: 'POST', url: `/v2/bob/copy/blobs/uploads/?mount=${digest}`, headers: { authorization: t } })
    assert.equal(auto.statusCode, 202, 'no automatic mount from unknown repositories')
    const ta = await bearer(fx.app, alice, 'repository:alice/copy:pull,push', 'repository:acme/app:pull')
    const ok = await fx.app.inject({ method: 'POST', url: `/v2/alice/copy/blobs/uploads/?mount=${digest}&from=acme/app`, headers: { authorization: ta } })
    assert.equal(ok.statusCode, 201, 'a reader of the source mounts')
  })

  it('filters the catalog to what the caller may pull', async () => {
    const list = async (creds: typeof alice) => {
      const t = await bearer(fx.app, creds, 'registry:catalog:*')
      const res = await fx.app.inject({ url: '/v2/_catalog', headers: { authorization: t } })
      assert.equal(res.statusCode, 200)
      return (JSON.parse(res.body) as { repositories: string[] }).repositories
    }
    assert.deepEqual(await list(bob), ['bob/tool'])
    assert.ok((await list(alice)).includes('acme/app'))
    assert.ok(!(await list(alice)).includes('bob/tool'))
    assert.equal((await fx.app.inject({ url: '/v2/_catalog' })).statusCode, 401)
    const t = await bearer(fx.app, bob, 'registry:catalog:*')
    for (const method of ['DELETE', 'POST', 'PUT'] as const) {
      const res = await fx.app.inject({ method, url: '/v2/_catalog', headers: { authorization: t } })
      assert.equal(res.statusCode, 405, `${method} /v2/_catalog is not the catalog`)
      assert.doesNotMatch(res.body, /repositories/)
    }
  })

  it('refuses Basic credentials over plain HTTP from a remote address', async () => {
    const res = await fx.app.inject({ url: '/token?service=drydock', remoteAddress: '203.0.113.9', headers: { authorization: basic(alice.user, alice.secret) } })
    assert.equal(res.statusCode, 401)
    assert.match(res.body, /plain HTTP/)
  })
})
