// OAuth2 refresh tokens at POST /token, following distribution's docs/spec/auth/oauth.md:
// `grant_type=password&access_type=offline&client_id=…` returns a refresh_token; `grant_type=
// refresh_token` exchanges it for a registry token whose scope is re-checked against the owner's
// current rights. Bound to the client_id, hashed at rest, revocable, void when the owner goes.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import type { RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'
import { admin, api, errorCode, startAuthFixture } from './auth-fixture.ts'
import { pushImage } from './push-helpers.ts'

const dave = { user: 'dave', secret: 'dave-password-long-1' }
type TokenAnswer = { token: string; access_token: string; expires_in: number; issued_at: string; scope: string; refresh_token?: string }
type Access = Array<{ type: string; name: string; actions: string[] }>
/** `[id, secret]` of `ddf_<id>_<secret>` (the secret is base64url and may itself hold '_'). */
const partsOf = (rt: string): [string, string] => {
  const m = /^ddf_([a-z2-9]{12})_(.+)$/.exec(rt)
  assert.ok(m?.[1] && m[2], rt)
  return [m[1], m[2]]
}
const accessOf = (t: string): Access => (JSON.parse(Buffer.from(t.split('.')[1] ?? '', 'base64url').toString()) as { access: Access }).access

describe('OAuth2 refresh tokens (inject)', () => {
  let fx: RegistryFixture
  const post = (form: Record<string, string>): Promise<LightMyRequestResponse> =>
    fx.app.inject({ method: 'POST', url: '/token', payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  const offline = async (user: string, password: string, clientId = 'docker'): Promise<string> => {
    const res = await post({ grant_type: 'password', username: user, password, service: 'drydock', client_id: clientId, access_type: 'offline' })
    assert.equal(res.statusCode, 200, res.body)
    const rt = (JSON.parse(res.body) as TokenAnswer).refresh_token
    assert.ok(rt)
    return rt
  }
  const refresh = (rt: string, scope: string, clientId = 'docker') =>
    post({ grant_type: 'refresh_token', refresh_token: rt, service: 'drydock', client_id: clientId, scope })

  before(async () => {
    fx = await startAuthFixture({ lockoutThreshold: 100 })
    await fx.app.ready()
    await api(fx.app, admin, 'POST', '/api/v1/users', { name: dave.user, password: dave.secret })
    await api(fx.app, admin, 'POST', '/api/v1/orgs', { name: 'corp' })
    await api(fx.app, admin, 'POST', '/api/v1/orgs/corp/teams', { name: 'ops' })
    await api(fx.app, admin, 'PUT', '/api/v1/orgs/corp/teams/ops/members/dave')
    await api(fx.app, admin, 'PUT', '/api/v1/orgs/corp/teams/ops/grants', { target: 'corp/*', role: 'write' })
  })
  after(() => fx.close())

  it('password grant: a refresh_token only with access_type=offline, which needs a client_id', async () => {
    const online = await post({ grant_type: 'password', username: 'dave', password: dave.secret, service: 'drydock', client_id: 'docker', scope: 'repository:corp/app:pull' })
    assert.equal(online.statusCode, 200)
    const body = JSON.parse(online.body) as TokenAnswer
    assert.equal(body.refresh_token, undefined)
    assert.equal(body.scope, 'repository:corp/app:pull', 'the granted scope is part of the OAuth2 answer')
    const noClient = await post({ grant_type: 'password', username: 'dave', password: dave.secret, service: 'drydock', access_type: 'offline' })
    assert.equal(noClient.statusCode, 400)
    assert.match(await offline('dave', dave.secret), /^ddf_[a-z2-9]{12}_[A-Za-z0-9_-]{43}$/)
    // The GET form of `docker login`: offline_token=true&client_id=docker with Basic credentials.
    const basicAuth = { authorization: `Basic ${Buffer.from(`dave:${dave.secret}`).toString('base64')}` }
    const viaGet = await fx.app.inject({ url: '/token?service=drydock&offline_token=true&client_id=docker', headers: basicAuth })
    assert.match((JSON.parse(viaGet.body) as TokenAnswer).refresh_token ?? '', /^ddf_/)
    const getNoClient = await fx.app.inject({ url: '/token?service=drydock&offline_token=true', headers: basicAuth })
    assert.equal((JSON.parse(getNoClient.body) as TokenAnswer).refresh_token, undefined, 'nothing to bind it to without client_id')
    const anonGet = await fx.app.inject({ url: '/token?service=drydock&offline_token=true&client_id=docker' })
    assert.equal((JSON.parse(anonGet.body) as TokenAnswer).refresh_token, undefined, 'anonymous gets none')
    const wrong = await post({ grant_type: 'password', username: 'dave', password: 'wrong-password-x', service: 'drydock', client_id: 'docker', access_type: 'offline' })
    assert.equal(wrong.statusCode, 401)
    assert.ok(!wrong.body.includes('ddf_'))
  })

  it('exchanges the refresh token for the requested scope, re-checked against current rights', async () => {
    const rt = await offline('dave', dave.secret)
    const res = await refresh(rt, 'repository:corp/app:pull,push repository:other/x:pull')
    assert.equal(res.statusCode, 200, res.body)
    const body = JSON.parse(res.body) as TokenAnswer
    assert.equal(body.refresh_token, rt, 'the same refresh token comes back (no rotation)')
    assert.equal(body.scope, 'repository:corp/app:pull,push')
    assert.deepEqual(accessOf(body.access_token), [
      { type: 'repository', name: 'corp/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'other/x', actions: [] },
    ])
    assert.equal((await pushImage(fx.app, 'corp/app', 'v1', `Bearer ${body.access_token}`)).statusCode, 201, 'the token works on /v2')

    // Rights are not frozen into the refresh token: removing the grant removes the access.
    await api(fx.app, admin, 'DELETE', '/api/v1/orgs/corp/teams/ops/members/dave')
    const after = JSON.parse((await refresh(rt, 'repository:corp/app:pull,push')).body) as TokenAnswer
    assert.deepEqual(accessOf(after.access_token), [{ type: 'repository', name: 'corp/app', actions: [] }])
    await api(fx.app, admin, 'PUT', '/api/v1/orgs/corp/teams/ops/members/dave')
  })

  it('is bound to its client_id and refused when malformed or unknown (401)', async () => {
    const rt = await offline('dave', dave.secret, 'containerd-client')
    assert.equal((await refresh(rt, 'repository:corp/app:pull', 'containerd-client')).statusCode, 200)
    const other = await refresh(rt, 'repository:corp/app:pull', 'docker')
    assert.equal(other.statusCode, 401)
    assert.equal(errorCode(other), 'UNAUTHORIZED')
    assert.equal((await refresh('garbage', 'repository:corp/app:pull')).statusCode, 401)
    const forged = rt.slice(0, -4) + (rt.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    assert.equal((await refresh(forged, 'repository:corp/app:pull', 'containerd-client')).statusCode, 401)
    assert.equal((await post({ grant_type: 'refresh_token', refresh_token: rt, service: 'drydock' })).statusCode, 400, 'client_id is required')
  })

  it('is stored hashed, listed without its secret, and revocable', async () => {
    const rt = await offline('dave', dave.secret)
    const [id, secret] = partsOf(rt)
    const db = new DatabaseSync(join(fx.dataDir, 'metadata.db'), { readOnly: true })
    try {
      const row = db.prepare('SELECT * FROM refresh_tokens WHERE id = ?').get(id) as Record<string, unknown>
      assert.equal(row['secret_hash'], createHash('sha256').update(secret).digest('hex'))
      assert.equal(row['owner'], 'dave')
      assert.equal(row['client_id'], 'docker')
      assert.ok(!JSON.stringify(db.prepare('SELECT * FROM refresh_tokens').all()).includes(secret), 'the secret is not at rest')
    } finally {
      db.close()
    }
    const listed = await api<{ tokens: Array<Record<string, unknown>> }>(fx.app, dave, 'GET', '/api/v1/tokens')
    assert.equal(listed.tokens.find((t) => t['id'] === id)?.['kind'], 'refresh')
    assert.ok(!JSON.stringify(listed).includes(secret))
    await api(fx.app, dave, 'DELETE', `/api/v1/tokens/${id}`)
    assert.equal((await refresh(rt, 'repository:corp/app:pull')).statusCode, 401, 'revoked')
  })

  it('dies with a password change, with its personal access token, with expiry and with its user', async () => {
    const pat = await api<{ id: string; token: string }>(fx.app, dave, 'POST', '/api/v1/tokens', { actions: ['pull'], targets: ['corp/*'], expiresIn: 3600 })
    const viaPat = await offline('dave', pat.token)
    const limited = JSON.parse((await refresh(viaPat, 'repository:corp/app:pull,push')).body) as TokenAnswer
    assert.deepEqual(accessOf(limited.access_token)[0]?.actions, ['pull'], 'the token keeps the PAT limits')
    await api(fx.app, dave, 'DELETE', `/api/v1/tokens/${pat.id}`)
    assert.equal((await refresh(viaPat, 'repository:corp/app:pull')).statusCode, 401, 'revoking the PAT voids it')

    const beforeChange = await offline('dave', dave.secret)
    await api(fx.app, dave, 'PUT', '/api/v1/users/dave/password', { password: 'dave-new-password-2' })
    assert.equal((await refresh(beforeChange, 'repository:corp/app:pull')).statusCode, 401, 'password change revokes')

    const aging = await offline('dave', 'dave-new-password-2')
    fx.clock.advance(89 * 24 * 3600 * 1000)
    assert.equal((await refresh(aging, 'repository:corp/app:pull')).statusCode, 200)
    fx.clock.advance(2 * 24 * 3600 * 1000)
    assert.equal((await refresh(aging, 'repository:corp/app:pull')).statusCode, 401, 'expired after 90 days')

    const last = await offline('dave', 'dave-new-password-2')
    await api(fx.app, admin, 'DELETE', '/api/v1/users/dave')
    const gone = await refresh(last, 'repository:corp/app:pull')
    assert.equal(gone.statusCode, 401, 'a deleted user has no refresh tokens')
    const audit = await api<{ events: Array<{ action: string; detail?: Record<string, unknown> }> }>(fx.app, admin, 'GET', '/api/v1/audit?action=login.failure')
    assert.ok(audit.events.some((e) => e.detail?.['via'] === 'refresh'), 'refusals are audited')
    assert.ok(!JSON.stringify(audit).includes(partsOf(last)[1]), 'no secret in the audit log')
  })
})
