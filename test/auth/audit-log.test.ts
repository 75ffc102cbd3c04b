// The audit log: logins (success and failure), token issue and revocation, push, pull, delete
// and permission changes are recorded with who, what, when and from where; it holds no secret,
// can be filtered and exported as JSON lines, and the database itself refuses UPDATE/DELETE.
import assert from 'node:assert/strict'
import { parseCredential } from '../../src/registry/auth/secret-credential.ts'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import type { RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'
import { ADMIN, admin, api, bearer, startAuthFixture, tokenRequest } from './auth-fixture.ts'
import { pushImage } from './push-helpers.ts'

const dave = { user: 'dave', secret: 'dave-password-long-12' }
interface Event { id: number; at: string; actor: string; action: string; repository?: string; address?: string; detail?: Record<string, unknown> }

describe('audit log (inject)', () => {
  let fx: RegistryFixture
  const secrets: string[] = [ADMIN.password, dave.secret]
  before(async () => {
    fx = await startAuthFixture()
    await fx.app.ready()
    await api(fx.app, admin, 'POST', '/api/v1/users', { name: dave.user, password: dave.secret })
    await tokenRequest(fx.app, { user: 'dave', secret: 'wrong-password-dave' })
    const t = await bearer(fx.app, dave, 'repository:dave/app:pull,push,delete')
    secrets.push(t.slice(7))
    assert.equal((await pushImage(fx.app, 'dave/app', 'v1', t)).statusCode, 201)
    assert.equal((await fx.app.inject({ url: '/v2/dave/app/manifests/v1', headers: { authorization: t, accept: '*/*' } })).statusCode, 200)
    const pat = await api<{ id: string; token: string }>(fx.app, dave, 'POST', '/api/v1/tokens', { actions: ['pull'], targets: ['dave/*'], expiresIn: 600 })
    secrets.push(pat.token)
    await api(fx.app, dave, 'DELETE', `/api/v1/tokens/${pat.id}`)
    await api(fx.app, admin, 'PUT', '/api/v1/visibility', { repository: 'dave/app', public: true })
    const head = await fx.app.inject({ method: 'HEAD', url: '/v2/dave/app/manifests/v1', headers: { authorization: t } })
    const digest = String(head.headers['docker-content-digest'])
    assert.equal((await fx.app.inject({ method: 'DELETE', url: `/v2/dave/app/manifests/${digest}`, headers: { authorization: t } })).statusCode, 202)
  })
  after(() => fx.close())

  const events = async (query = ''): Promise<Event[]> =>
    (await api<{ events: Event[] }>(fx.app, admin, 'GET', `/api/v1/audit${query}`)).events

  it('records who did what, when and from where', async () => {
    const all = await events()
    const find = (action: string, actor: string) => all.find((e) => e.action === action && e.actor === actor)
    assert.equal(find('login.failure', 'dave')?.detail?.['reason'], 'bad password')
    assert.ok(find('login.success', 'dave'))
    assert.ok(find('user.create', 'root'))
    assert.equal(find('repo.push', 'dave')?.repository, 'dave/app')
    assert.equal(find('repo.push', 'dave')?.detail?.['reference'], 'v1')
    assert.equal(find('repo.pull', 'dave')?.repository, 'dave/app')
    assert.ok(find('repo.delete', 'dave'))
    assert.ok(find('token.create', 'dave'))
    assert.ok(find('token.revoke', 'dave'))
    assert.equal(find('permission.change', 'root')?.detail?.['change'], 'visibility')
    for (const e of all) {
      assert.ok(!Number.isNaN(Date.parse(e.at)))
      if (e.action !== 'user.create') assert.equal(e.address, '127.0.0.1', `${e.action} has the client address`)
    }
  })

  it('never contains a secret', async () => {
    const dump = JSON.stringify(await events())
    for (const s of secrets) assert.ok(!dump.includes(s), 'a secret leaked into the audit log')
    const patSecret = secretOf(secrets[3] ?? '')
    assert.ok(!dump.includes(patSecret))
  })

  it('filters by actor, action, repository and time range, and exports JSON lines', async () => {
    assert.ok((await events('?actor=dave')).every((e) => e.actor === 'dave'))
    assert.deepEqual((await events('?action=repo.push&repository=dave/app')).map((e) => e.action), ['repo.push'])
    const future = new Date(fx.clock.now().getTime() + 1000).toISOString()
    assert.deepEqual(await events(`?since=${future}`), [])
    assert.ok((await events(`?until=${future}`)).length > 5)
    const res = await fx.app.inject({ url: '/api/v1/audit?format=jsonl&actor=dave', headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` } })
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /application\/x-ndjson/)
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l) as Event)
    assert.deepEqual(lines, await events('?actor=dave'))
  })

  it('is append-only: no API to change it, and SQLite refuses UPDATE and DELETE', async () => {
    for (const method of ['DELETE', 'PUT', 'POST'] as const) {
      const res = await fx.app.inject({ method, url: '/api/v1/audit', headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` } })
      assert.equal(res.statusCode, 404, `${method} /api/v1/audit must not exist`)
    }
    const db = new DatabaseSync(join(fx.dataDir, 'metadata.db'))
    try {
      assert.throws(() => db.exec("UPDATE audit_events SET actor = 'nobody'"), /append-only/)
      assert.throws(() => db.exec('DELETE FROM audit_events'), /append-only/)
      assert.ok(Number((db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n) > 5)
    } finally {
      db.close()
    }
  })
})

/** The secret part of a generated credential (it may itself contain `_`). */
function secretOf(value: string): string {
  const parsed = parseCredential(value)
  assert.ok(parsed, `not a generated credential: ${value.slice(0, 8)}…`)
  return parsed.secret
}
