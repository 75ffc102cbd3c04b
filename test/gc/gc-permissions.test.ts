// Who may run garbage collection (POST /api/v1/gc, `drydock gc`), through real HTTP: blobs are
// shared by every namespace, so it is server-wide and only server administrators may run it
// (a namespace admin may not). Tokens need the `admin` action on target `*`. Bad bodies are 400.
import assert from 'node:assert/strict'
import { after, afterEach, before, describe, test } from 'node:test'
import { runDrydock } from '../../src/testkit/run-drydock.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'

const ADMIN = { user: 'root', password: 'root-password-long-enough' }
const basic = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`

describe('garbage collection permissions', { timeout: 120_000 }, () => {
  let server: RunningDrydock
  const auth: Record<string, string> = {}

  async function api(method: string, path: string, authorization: string | undefined, body?: unknown): Promise<{ status: number; text: string }> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    return { status: res.status, text: await res.text() }
  }

  async function must(method: string, path: string, body: unknown, authorization = auth['admin']): Promise<Record<string, unknown>> {
    const r = await api(method, path, authorization, body)
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`)
    return r.text === '' ? {} : (JSON.parse(r.text) as Record<string, unknown>)
  }

  async function pat(user: string, password: string, actions: string[], targets: string[]): Promise<string> {
    const r = await must('POST', '/api/v1/tokens', { actions, targets, expiresIn: 3600 }, basic(user, password))
    return `Bearer ${String(r['token'])}`
  }

  before(async () => {
    server = await startDrydock({ args: ['--auth', 'on', '--gc-interval', '0s'], env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password } })
    auth['admin'] = basic(ADMIN.user, ADMIN.password)
    await must('POST', '/api/v1/users', { name: 'plain', password: 'plain-password-long-enough' })
    await must('POST', '/api/v1/users', { name: 'nsadmin', password: 'nsadmin-password-long-enough' })
    await must('POST', '/api/v1/orgs', { name: 'acme' })
    await must('POST', '/api/v1/orgs/acme/teams', { name: 'owners' })
    await must('PUT', '/api/v1/orgs/acme/teams/owners/grants', { target: 'acme/*', role: 'admin' })
    await must('PUT', '/api/v1/orgs/acme/teams/owners/members/nsadmin', undefined)
    auth['plain'] = basic('plain', 'plain-password-long-enough')
    auth['nsadmin'] = basic('nsadmin', 'nsadmin-password-long-enough')
    auth['admin token, admin on *'] = await pat(ADMIN.user, ADMIN.password, ['admin'], ['*'])
    auth['admin token, all actions on acme/*'] = await pat(ADMIN.user, ADMIN.password, ['pull', 'push', 'delete', 'admin'], ['acme/*'])
    auth['admin token, pull push delete on *'] = await pat(ADMIN.user, ADMIN.password, ['pull', 'push', 'delete'], ['*'])
  })
  afterEach((t) => logsOnFailure(t, { registry: server?.output }))
  after(async () => {
    await server?.stop()
  })

  const cases: ReadonlyArray<readonly [string | undefined, number]> = [
    ['admin', 200],
    ['admin token, admin on *', 200],
    ['plain', 403],
    ['nsadmin', 403],
    ['admin token, all actions on acme/*', 403],
    ['admin token, pull push delete on *', 403],
    [undefined, 401],
  ]
  for (const [who, status] of cases) {
    test(`${who ?? 'anonymous'}: ${status}`, async () => {
      for (const dryRun of [true, false]) {
        const r = await api('POST', '/api/v1/gc', who === undefined ? undefined : auth[who], { dryRun })
        assert.equal(r.status, status, r.text)
        if (status === 200) assert.equal((JSON.parse(r.text) as { dryRun: boolean }).dryRun, dryRun)
        else assert.match(r.text, /"errors":\[\{"code":"(DENIED|UNAUTHORIZED)"/)
      }
    })
  }

  test('a real run is audited; a dry run is not', async () => {
    const before = JSON.parse((await api('GET', '/api/v1/audit?action=gc.run', auth['admin'])).text) as { events: unknown[] }
    await must('POST', '/api/v1/gc', { dryRun: true })
    await must('POST', '/api/v1/gc', {})
    const afterRun = JSON.parse((await api('GET', '/api/v1/audit?action=gc.run', auth['admin'])).text) as { events: Array<{ actor: string }> }
    assert.equal(afterRun.events.length, before.events.length + 1)
    assert.equal(afterRun.events.at(-1)?.actor, ADMIN.user)
  })

  test('bad bodies are 400 with the error envelope, before anything runs', async () => {
    for (const body of ['{"dryRun":"yes"}', '{"dryRun":true,"grace":"0s"}', '[]', '{']) {
      const r = await api('POST', '/api/v1/gc', auth['admin'], body)
      assert.equal(r.status, 400, `${body}: ${r.text}`)
      assert.match(r.text, /"errors":\[\{"code":"UNSUPPORTED"/)
    }
  })

  test('drydock gc: exit 0 for the admin, exit 4 for a namespace admin', async () => {
    const env = (user: string, password: string) => ({ env: { DRYDOCK_REGISTRY: server.url, DRYDOCK_USERNAME: user, DRYDOCK_PASSWORD: password, DRYDOCK_TOKEN: undefined } })
    const ok = await runDrydock(['gc', '--dry-run'], env(ADMIN.user, ADMIN.password))
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /would delete 0 blobs/)
    const denied = await runDrydock(['gc'], env('nsadmin', 'nsadmin-password-long-enough'))
    assert.equal(denied.code, 4)
    assert.match(denied.stderr, /403/)
  })
})
