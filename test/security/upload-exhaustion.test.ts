// Security issue #12, hole 5: one user must not be able to block every other user's uploads.
// Attacks over real HTTP (buildApp + listen on 127.0.0.1:0) against an auth-enabled registry:
// a writer fills the open-upload cap from their own namespace; a pull,push token cancels (only)
// its own uploads; idle sessions expire long before the absolute expiry and stop counting.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { DEFAULT_CONFIG, type LimitsConfig, type RegistryConfig } from '../../src/registry/config/config.ts'
import { startFixture, type RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'
import { ADMIN, admin, api, basic } from '../auth/auth-fixture.ts'

const alice = { user: 'alice', secret: 'alice-password-long-1' }
const bob = { user: 'bob', secret: 'bob-password-long-22' }
type Creds = typeof alice

interface OciError {
  readonly code: string
  readonly detail?: Record<string, unknown>
}

async function errorOf(res: Response): Promise<OciError> {
  const body = (await res.json()) as { errors?: OciError[] }
  const e = body.errors?.[0]
  assert.ok(e, `an OCI error body (status ${res.status})`)
  return e
}

/** A registry with auth on, alice and bob (each with their own namespace), both writers on acme/*. */
async function start(limits: Partial<LimitsConfig>, extra: Partial<RegistryConfig> = {}): Promise<{ fx: RegistryFixture; base: string }> {
  const fx = await startFixture({
    auth: { ...DEFAULT_CONFIG.auth, mode: 'on', bootstrapAdmin: ADMIN },
    limits: { ...DEFAULT_CONFIG.limits, minFreeBytes: 0, ...limits },
    ...extra,
  })
  await fx.app.ready()
  for (const u of [alice, bob]) await api(fx.app, admin, 'POST', '/api/v1/users', { name: u.user, password: u.secret })
  await api(fx.app, admin, 'POST', '/api/v1/orgs', { name: 'acme' })
  await api(fx.app, admin, 'POST', '/api/v1/orgs/acme/teams', { name: 'devs' })
  for (const u of [alice, bob]) await api(fx.app, admin, 'PUT', `/api/v1/orgs/acme/teams/devs/members/${u.user}`)
  await api(fx.app, admin, 'PUT', '/api/v1/orgs/acme/teams/devs/grants', { target: 'acme/*', role: 'write' })
  const base = await fx.app.listen({ host: '127.0.0.1', port: 0 })
  return { fx, base }
}

/** A registry token for `scopes`, fetched from /token like docker does. */
async function token(base: string, who: Creds, ...scopes: string[]): Promise<string> {
  const q = new URLSearchParams({ service: 'drydock' })
  for (const s of scopes) q.append('scope', s)
  const res = await fetch(`${base}/token?${q.toString()}`, { headers: { authorization: basic(who.user, who.secret) } })
  assert.equal(res.status, 200, await res.clone().text())
  return `Bearer ${((await res.json()) as { token: string }).token}`
}

async function post(base: string, repo: string, auth: string): Promise<Response> {
  return fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { authorization: auth } })
}

async function startUpload(base: string, repo: string, auth: string): Promise<string> {
  const res = await post(base, repo, auth)
  assert.equal(res.status, 202, await res.clone().text())
  return new URL(res.headers.get('location') ?? '', base).toString()
}

/** PATCH + PUT: the upload completes and the blob is there. */
async function finish(location: string, auth: string, data: string): Promise<void> {
  const patch = await fetch(location, { method: 'PATCH', body: data, headers: { authorization: auth, 'content-type': 'application/octet-stream' } })
  assert.equal(patch.status, 202, await patch.clone().text())
  const put = await fetch(`${location}?digest=${digestOf(data)}`, { method: 'PUT', headers: { authorization: auth } })
  assert.equal(put.status, 201, await put.clone().text())
}

describe('open-upload caps per principal and per repository (hole 5)', () => {
  let fx: RegistryFixture
  let base: string
  before(async () => {
    ;({ fx, base } = await start({ maxOpenUploads: { total: 20, perRepository: 5, perPrincipal: 8 } }))
  })
  after(() => fx.close())

  it('by default, one principal cannot hold the whole registry-wide cap', () => {
    const d = DEFAULT_CONFIG.limits.maxOpenUploads
    assert.ok(d.perPrincipal > 0 && d.perPrincipal < d.total, `perPrincipal ${d.perPrincipal} is below total ${d.total}`)
  })

  it('stops a writer at their own cap (429 TOOMANYREQUESTS) while another user still uploads', async () => {
    const repos = ['alice/r0', 'alice/r1', 'alice/r2', 'alice/r3', 'alice/r4']
    const aliceAuth = await token(base, alice, ...repos.map((r) => `repository:${r}:pull,push`))
    // The attack: open sessions round-robin over the own namespace until refused.
    const statuses: number[] = []
    let refusal: Response | undefined
    const opened: string[] = []
    for (let i = 0; i < 25; i++) {
      const res = await post(base, repos[i % repos.length] ?? '', aliceAuth)
      statuses.push(res.status)
      if (res.status === 202) opened.push(new URL(res.headers.get('location') ?? '', base).toString())
      else if (!refusal) refusal = res
      else await res.arrayBuffer()
    }
    assert.equal(opened.length, 8, `alice opened ${opened.length} sessions: ${statuses.join(',')}`)
    assert.ok(refusal)
    assert.equal(refusal.status, 429)
    const e = await errorOf(refusal)
    assert.equal(e.code, 'TOOMANYREQUESTS')
    assert.equal(e.detail?.['scope'], 'principal')

    const bobAuth = await token(base, bob, 'repository:bob/app:pull,push')
    await finish(await startUpload(base, 'bob/app', bobAuth), bobAuth, 'bob still pushes')

    // Alice frees a slot by cancelling one of her own sessions, with her pull,push token.
    const del = await fetch(opened[0] ?? '', { method: 'DELETE', headers: { authorization: aliceAuth } })
    assert.equal(del.status, 204, await del.clone().text())
    await finish(await startUpload(base, 'alice/r0', aliceAuth), aliceAuth, 'alice again')
    for (const loc of opened.slice(1)) assert.equal((await fetch(loc, { method: 'DELETE', headers: { authorization: aliceAuth } })).status, 204)
  })

  it('caps one repository (429, scope repository) without blocking the writer elsewhere', async () => {
    const aliceAuth = await token(base, alice, 'repository:acme/app:pull,push')
    const opened: string[] = []
    for (let i = 0; i < 5; i++) opened.push(await startUpload(base, 'acme/app', aliceAuth))
    const bobAuth = await token(base, bob, 'repository:acme/app:pull,push', 'repository:acme/lib:pull,push')
    const refused = await post(base, 'acme/app', bobAuth)
    assert.equal(refused.status, 429)
    const e = await errorOf(refused)
    assert.equal(e.code, 'TOOMANYREQUESTS')
    assert.equal(e.detail?.['scope'], 'repository')
    await finish(await startUpload(base, 'acme/lib', bobAuth), bobAuth, 'bob pushes to another repository')
    for (const loc of opened) assert.equal((await fetch(loc, { method: 'DELETE', headers: { authorization: aliceAuth } })).status, 204)
  })
})

describe('cancelling uploads with push (hole 5)', () => {
  let fx: RegistryFixture
  let base: string
  before(async () => {
    ;({ fx, base } = await start({}))
  })
  after(() => fx.close())

  it('lets a pull,push token cancel its own upload (DELETE 204)', async () => {
    const auth = await token(base, alice, 'repository:alice/app:pull,push')
    const loc = await startUpload(base, 'alice/app', auth)
    await fetch(loc, { method: 'PATCH', body: 'some bytes', headers: { authorization: auth } })
    const del = await fetch(loc, { method: 'DELETE', headers: { authorization: auth } })
    assert.equal(del.status, 204, await del.clone().text())
    const gone = await fetch(loc, { headers: { authorization: auth } })
    assert.equal(gone.status, 404)
    assert.equal((await errorOf(gone)).code, 'BLOB_UPLOAD_UNKNOWN')
  })

  it("does not let another writer of the same repository cancel, read, write or commit someone else's upload", async () => {
    const aliceAuth = await token(base, alice, 'repository:acme/shared:pull,push')
    const bobAuth = await token(base, bob, 'repository:acme/shared:pull,push,delete')
    const loc = await startUpload(base, 'acme/shared', aliceAuth)
    await fetch(loc, { method: 'PATCH', body: 'alice-', headers: { authorization: aliceAuth } })
    const attempts: Array<[string, RequestInit & { url: string }]> = [
      ['DELETE', { url: loc, method: 'DELETE' }],
      ['GET', { url: loc, method: 'GET' }],
      ['PATCH', { url: loc, method: 'PATCH', body: 'bob was here', headers: { 'content-range': '6-17' } }],
      ['PUT', { url: `${loc}?digest=${digestOf('alice-')}`, method: 'PUT' }],
    ]
    for (const [what, { url, ...init }] of attempts) {
      const res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: bobAuth } })
      assert.equal(res.status, 404, `bob's ${what}`)
      assert.equal((await errorOf(res)).code, 'BLOB_UPLOAD_UNKNOWN', `bob's ${what}`)
    }
    // Alice's session is untouched: same offset, and it completes.
    const status = await fetch(loc, { headers: { authorization: aliceAuth } })
    assert.equal(status.status, 204)
    assert.equal(status.headers.get('range'), '0-5')
    const put = await fetch(`${loc}?digest=${digestOf('alice-done')}`, { method: 'PUT', body: 'done', headers: { authorization: aliceAuth } })
    assert.equal(put.status, 201, await put.clone().text())
  })

  it('still asks for a token with push to cancel or check an upload (a pull-only token is refused)', async () => {
    const auth = await token(base, alice, 'repository:alice/ro:pull,push')
    const loc = await startUpload(base, 'alice/ro', auth)
    const pullOnly = await token(base, alice, 'repository:alice/ro:pull')
    for (const method of ['DELETE', 'GET', 'PATCH', 'PUT']) {
      const res = await fetch(method === 'PUT' ? `${loc}?digest=${digestOf('')}` : loc, { method, headers: { authorization: pullOnly } })
      // alice may push here, so she is asked for a token with push (not denied outright).
      assert.equal(res.status, 401, `${method} with pull only`)
      assert.match(String(res.headers.get('www-authenticate')), /scope="repository:alice\/ro:pull,push",error="insufficient_scope"/)
      assert.equal((await errorOf(res)).code, 'UNAUTHORIZED')
    }
    assert.equal((await fetch(loc, { method: 'DELETE', headers: { authorization: auth } })).status, 204)
  })
})

describe('idle uploads expire sooner than the absolute expiry (hole 5)', () => {
  let fx: RegistryFixture
  let base: string
  const idleTimeoutMs = 15 * 60_000
  const expiryMs = 2 * 3600_000
  before(async () => {
    ;({ fx, base } = await start(
      { maxOpenUploads: { total: 100, perRepository: 100, perPrincipal: 2 } },
      { uploads: { ...DEFAULT_CONFIG.uploads, expiryMs, idleTimeoutMs } },
    ))
  })
  after(() => fx.close())

  it('expires a session idle for longer than the idle timeout, and it stops counting against the cap', async () => {
    // Tokens are checked against the same (fake) clock, so each step fetches a fresh one.
    const auth = (): Promise<string> => token(base, alice, 'repository:alice/idle:pull,push')
    const idle = await startUpload(base, 'alice/idle', await auth())
    const active = await startUpload(base, 'alice/idle', await auth())
    const full = await post(base, 'alice/idle', await auth())
    assert.equal(full.status, 429)
    await full.arrayBuffer()
    for (let i = 0; i < 3; i++) {
      fx.clock.advance(idleTimeoutMs - 60_000)
      const patch = await fetch(active, { method: 'PATCH', body: `chunk-${i}`, headers: { authorization: await auth() } })
      assert.equal(patch.status, 202, 'a session that keeps receiving chunks stays alive')
    }
    const gone = await fetch(idle, { headers: { authorization: await auth() } })
    assert.equal(gone.status, 404)
    assert.equal((await errorOf(gone)).code, 'BLOB_UPLOAD_UNKNOWN')
    // The idle one no longer holds a slot.
    const again = await startUpload(base, 'alice/idle', await auth())
    assert.equal((await fetch(again, { method: 'DELETE', headers: { authorization: await auth() } })).status, 204)
    assert.equal((await fetch(active, { method: 'DELETE', headers: { authorization: await auth() } })).status, 204)
  })

  it('still ends a session at the absolute expiry, however busy it is', async () => {
    const auth = (): Promise<string> => token(base, alice, 'repository:alice/old:pull,push')
    const loc = await startUpload(base, 'alice/old', await auth())
    let status = 202
    let elapsed = 0
    while (status === 202 && elapsed < 2 * expiryMs) {
      fx.clock.advance(idleTimeoutMs - 60_000)
      elapsed += idleTimeoutMs - 60_000
      const patch = await fetch(loc, { method: 'PATCH', body: 'x', headers: { authorization: await auth() } })
      status = patch.status
      if (status !== 202) assert.equal((await errorOf(patch)).code, 'BLOB_UPLOAD_UNKNOWN')
      else await patch.arrayBuffer()
    }
    assert.equal(status, 404, 'the session ended')
    assert.ok(elapsed > expiryMs - idleTimeoutMs, `it lived until the absolute expiry (${elapsed} ms)`)
  })
})
