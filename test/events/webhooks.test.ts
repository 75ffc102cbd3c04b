/**
 * Webhook notifications end to end (issue #16, docs/events.md): a real `drydock serve` (debug
 * logs, access control off, scan on push for acme/vuln only, the shared advisory DB), real
 * skopeo pushes of the shared images, and a real HTTP receiver that verifies every signature.
 * Waiting is on state (the receiver's requests, the delivery log), never on time.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { buildVulndbFixture, type VulndbFixture } from '../../src/scanner/vuln/db/vulndb-fixture.ts'
import { verifySignature } from '../../src/registry/webhooks/signature.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { startReceiver, type Received, type Receiver } from './webhook-receiver.ts'

type Json = Record<string, any>

describe('webhooks: signed event deliveries to a real receiver', () => {
  let receiver: Receiver
  let vulndb: VulndbFixture
  let drydock: RunningDrydock
  let skopeo: Skopeo
  let dir: string
  /** Every secret used, to look for in logs and answers at the end. */
  const secrets: string[] = []
  /** Secret of each receiver path. */
  const secretOf = new Map<string, string>()

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; text: string }> => {
    const res = await fetch(`${drydock.url}${path}`, {
      method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Json), text }
  }

  /** Creates a subscription delivering to receiver path `path`; remembers its secret. */
  const subscribe = async (org: string, path: string, spec: Json = {}): Promise<Json> => {
    const r = await api('POST', `/api/v1/orgs/${org}/webhooks`, { url: receiver.url(path), ...spec })
    assert.equal(r.status, 201, r.text)
    assert.equal(typeof r.body['secret'], 'string')
    secrets.push(r.body['secret'] as string)
    secretOf.set(path, r.body['secret'] as string)
    return r.body
  }

  const push = (image: string, ref: string, dest: string): Promise<unknown> =>
    skopeo.copy(`oci:${join(IMAGES_DIR, image)}:${ref}`, `docker://${drydock.host}/${dest}`)

  /** Every request to `path` carries a valid signature over its exact body; returns the parsed bodies. */
  const verified = (path: string): Json[] => receiver.on(path).map((r: Received) => {
    const ok = verifySignature(secretOf.get(path) ?? '', String(r.headers['x-drydock-timestamp']), r.body, String(r.headers['x-drydock-signature']))
    assert.ok(ok, `bad signature on a delivery to ${path}`)
    return JSON.parse(r.body.toString('utf8')) as Json
  })

  /** Polls the delivery log until `done` holds (the log is the state under test). */
  const deliveriesUntil = async (org: string, id: string, done: (ds: Json[]) => boolean, timeoutMs = 60_000): Promise<Json[]> => {
    const deadline = Date.now() + timeoutMs
    let last: Json[] = []
    while (Date.now() < deadline) {
      const r = await api('GET', `/api/v1/orgs/${org}/webhooks/${id}/deliveries`)
      assert.equal(r.status, 200, r.text)
      last = r.body['deliveries'] as Json[]
      if (done(last)) return last
      await new Promise((res) => setTimeout(res, 50))
    }
    throw new Error(`delivery log of ${id} never reached the expected state: ${JSON.stringify(last)}`)
  }
  const allSucceeded = (n: number) => (ds: Json[]) => ds.length >= n && ds.every((d) => d['status'] === 'SUCCEEDED')

  before(async () => {
    requireTestdata()
    receiver = await startReceiver()
    vulndb = await buildVulndbFixture()
    dir = await mkdtemp(join(tmpdir(), 'drydock-webhooks-'))
    const config = join(dir, 'config.json')
    await writeFile(config, JSON.stringify({
      scanning: { scanOnPush: false, advisoryDb: vulndb.path, repositories: { 'acme/vuln': true } },
      // Short delays and a generous budget: a failing receiver is retried quickly, and never given up on during a test.
      webhooks: { maxAttempts: 30, retryBaseDelay: '100ms', timeout: '5s', allowedDestinations: ['127.0.0.1'] },
    }))
    drydock = await startDrydock({ args: ['--config', config, '--auth', 'off', '--log-level', 'debug'] })
    skopeo = await createSkopeo()
  })

  after(async () => {
    await skopeo?.dispose()
    await drydock?.stop()
    vulndb?.close()
    await receiver?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('a push delivers exactly one signed image.pushed per matching subscription; type and repository filters exclude the others', async () => {
    const all = await subscribe('acme', '/all', { repositoryPattern: 'acme/app' })
    const pushes = await subscribe('acme', '/pushes', { eventTypes: ['image.pushed'], secret: 'a-secret-given-by-the-caller-0001' })
    assert.equal(pushes['secret'], 'a-secret-given-by-the-caller-0001', 'a given secret is the one used')
    const scansOnly = await subscribe('acme', '/scans-only', { eventTypes: ['scan.completed'] })
    const elsewhere = await subscribe('acme', '/elsewhere', { repositoryPattern: 'acme/other-*' })
    const otherOrg = await subscribe('other', '/other-org')

    await push('busybox', '1', 'acme/app:1.0')
    await deliveriesUntil('acme', all['id'], allSucceeded(1))
    await deliveriesUntil('acme', pushes['id'], allSucceeded(1))

    for (const path of ['/all', '/pushes']) {
      const events = verified(path)
      assert.equal(events.length, 1, `${path}: one delivery`)
      const ce = events[0]!
      assert.equal(ce['specversion'], '1.0')
      assert.equal(ce['type'], 'io.drydock.image.pushed')
      assert.equal(ce['datacontenttype'], 'application/json')
      assert.match(ce['subject'], /^acme\/app@sha256:[a-f0-9]{64}$/)
      assert.deepEqual(ce['data']['tags'], ['1.0'])
      assert.equal(ce['data']['repository'], 'acme/app')
      assert.equal(receiver.on(path)[0]!.headers['content-type'], 'application/cloudevents+json')
    }
    assert.equal(verified('/all')[0]!['id'], verified('/pushes')[0]!['id'], 'one event, delivered to both')
    for (const [org, sub] of [['acme', scansOnly], ['acme', elsewhere], ['other', otherOrg]] as const) {
      assert.deepEqual((await api('GET', `/api/v1/orgs/${org}/webhooks/${sub['id']}/deliveries`)).body['deliveries'], [], `${sub['url']} got nothing`)
    }
    assert.equal(receiver.on('/scans-only').length + receiver.on('/elsewhere').length + receiver.on('/other-org').length, 0)
    // Leave the others quiet for the next cases.
    for (const sub of [all, pushes, scansOnly, elsewhere]) assert.equal((await api('DELETE', `/api/v1/orgs/acme/webhooks/${sub['id']}`)).status, 204)
    assert.equal((await api('DELETE', `/api/v1/orgs/other/webhooks/${otherOrg['id']}`)).status, 204)
  })

  it('scan on push delivers scan.completed with severity counts, over the minimum severity', async () => {
    const sub = await subscribe('acme', '/scans', { eventTypes: ['scan.completed', 'scan.failed'], minSeverity: 'HIGH', repositoryPattern: 'acme/vuln' })
    await push('node-app-vuln', '1.0.0', 'acme/vuln:1.0.0')
    const [delivery] = await deliveriesUntil('acme', sub['id'], allSucceeded(1), 240_000)
    assert.equal(delivery!['eventType'], 'scan.completed')
    const [ce] = verified('/scans')
    assert.equal(ce!['type'], 'io.drydock.scan.completed')
    const counts = ce!['data']['severityCounts'] as Record<string, number>
    // node-app-vuln: minimist CRITICAL, two HIGH and two MEDIUM lodash/minimist advisories (test/scan-on-push).
    assert.ok(counts['CRITICAL']! >= 1 && counts['HIGH']! >= 2 && counts['MEDIUM']! >= 2, JSON.stringify(counts))
    assert.deepEqual(ce!['data']['tags'], ['1.0.0'])
    assert.equal(ce!['data']['actor'], 'drydock-scanner')
    assert.ok((ce!['data']['scanners'] as string[]).includes('vuln'))
    await api('DELETE', `/api/v1/orgs/acme/webhooks/${sub['id']}`)
  })

  it('a pull refused by a deploy policy delivers policy.violation with the policy and the reason', async () => {
    const put = await api('PUT', '/api/v1/policies/locked', { name: 'locked', scope: 'acme/locked', mode: 'enforce', require: { scan: {} } })
    assert.ok(put.status === 201 || put.status === 200, put.text)
    const sub = await subscribe('acme', '/violations', { eventTypes: ['policy.violation'] })
    await push('busybox', '1', 'acme/locked:1')
    const pulled = await fetch(`${drydock.url}/v2/acme/locked/manifests/1`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json,application/vnd.oci.image.index.v1+json' } })
    assert.equal(pulled.status, 403)
    await deliveriesUntil('acme', sub['id'], allSucceeded(1))
    const [ce] = verified('/violations')
    assert.equal(ce!['type'], 'io.drydock.policy.violation')
    assert.equal(ce!['data']['policy'], 'locked')
    assert.equal(ce!['data']['decision'], 'deny')
    assert.equal(ce!['data']['door'], 'pull')
    assert.equal(typeof ce!['data']['reason'], 'string')
    assert.ok(!(ce!['data']['reason'] as string).includes('\n'), 'one line')
    await api('DELETE', `/api/v1/orgs/acme/webhooks/${sub['id']}`)
    await api('DELETE', '/api/v1/policies/locked')
  })

  it('a receiver that fails, then recovers, gets every event once; the delivery log shows the failures', async () => {
    receiver.answer('/flaky', (n) => (n < 2 ? 500 : 200))
    const sub = await subscribe('acme', '/flaky', { eventTypes: ['image.pushed'] })
    await push('busybox', '1', 'acme/flaky:1')
    await push('alpine-3.20', '3.20.3', 'acme/flaky:2')
    const log = await deliveriesUntil('acme', sub['id'], allSucceeded(2))
    const succeeded = verified('/flaky').filter((_, i) => i >= 2)
    assert.deepEqual(new Set(succeeded.map((e) => e['id'])).size, 2, 'both events arrived after the failures')
    assert.equal(succeeded.length, 2, 'each exactly once after recovering')
    const history = log.flatMap((d) => d['history'] as Json[])
    assert.equal(history.filter((h) => h['statusCode'] === 500).length, 2, 'the two failures are in the log')
    const retried = log.find((d) => (d['history'] as Json[]).some((h) => h['statusCode'] === 500))!
    assert.ok(retried['attempts'] >= 2)
    assert.equal(retried['lastStatusCode'], 200)
    await api('DELETE', `/api/v1/orgs/acme/webhooks/${sub['id']}`)
  })

  it('deliveries pending when the server stops are sent after it starts again on the same data dir', async () => {
    let down = true
    receiver.answer('/restart', () => (down ? 503 : 200))
    const sub = await subscribe('acme', '/restart', { eventTypes: ['image.pushed'] })
    await push('busybox', '1', 'acme/restart:1')
    await push('alpine-3.19', '3.19.4', 'acme/restart:2')
    // Both have failed at least once and wait for their next attempt.
    await deliveriesUntil('acme', sub['id'], (ds) => ds.length === 2 && ds.every((d) => (d['history'] as Json[]).length >= 1 && d['status'] !== 'SUCCEEDED'))
    await drydock.restart()
    down = false
    await deliveriesUntil('acme', sub['id'], allSucceeded(2))
    const ok = receiver.on('/restart').filter((r) => r.headers['x-drydock-event'] === 'image.pushed')
    const delivered = verified('/restart')
    assert.equal(delivered.length, ok.length)
    const okIds = new Set(delivered.slice(-2).map((e) => e['id']))
    assert.equal(okIds.size, 2, 'both events delivered after the restart')
    await api('DELETE', `/api/v1/orgs/acme/webhooks/${sub['id']}`)
  })

  it('redelivers by hand: the same event and delivery id again, with a new attempt budget', async () => {
    const sub = await subscribe('acme', '/again', { eventTypes: ['image.pushed'] })
    await push('busybox', '1', 'acme/again:1')
    const [first] = await deliveriesUntil('acme', sub['id'], allSucceeded(1))
    const r = await api('POST', `/api/v1/orgs/acme/webhooks/${sub['id']}/deliveries/${first!['id']}/redeliver`)
    assert.equal(r.status, 202, r.text)
    await receiver.waitFor(() => receiver.on('/again').length === 2)
    const [a, b] = receiver.on('/again')
    assert.equal(a!.headers['x-drydock-delivery'], first!['id'])
    assert.equal(b!.headers['x-drydock-delivery'], first!['id'])
    assert.equal(a!.body.toString(), b!.body.toString(), 'the same bytes')
    const [again] = await deliveriesUntil('acme', sub['id'], (ds) => ds[0]?.['status'] === 'SUCCEEDED' && (ds[0]['history'] as Json[]).length === 2)
    assert.equal(again!['attempts'], 1)
    verified('/again')
    const missing = await api('POST', `/api/v1/orgs/acme/webhooks/${sub['id']}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`)
    assert.equal(missing.status, 404)
    await api('DELETE', `/api/v1/orgs/acme/webhooks/${sub['id']}`)
  })

  it('delivers the Slack format: text and blocks, signed the same way', async () => {
    const sub = await subscribe('acme', '/slack', { eventTypes: ['image.pushed', 'image.deleted'], format: 'slack' })
    await push('busybox', '1', 'acme/chat:1')
    await deliveriesUntil('acme', sub['id'], allSucceeded(1))
    const del = await fetch(`${drydock.url}/v2/acme/chat/manifests/1`, { method: 'DELETE' })
    assert.equal(del.status, 202)
    await deliveriesUntil('acme', sub['id'], allSucceeded(2))
    const [pushed, deleted] = verified('/slack')
    assert.match(pushed!['text'], /^Image pushed: acme\/chat:1/)
    assert.equal(pushed!['blocks'][0]['type'], 'section')
    assert.match(deleted!['text'], /^Tag removed: acme\/chat:1/)
    assert.equal(receiver.on('/slack')[0]!.headers['content-type'], 'application/json')
    await api('DELETE', `/api/v1/orgs/acme/webhooks/${sub['id']}`)
  })

  it('a lifecycle run delivers image.expired for each image it expires', async () => {
    const sub = await subscribe('acme', '/expired', { eventTypes: ['image.expired'] })
    await push('busybox', '1', 'acme/old:a')
    await push('alpine-3.20', '3.20.3', 'acme/old:b')
    const policy = { rules: [{ rulePriority: 1, description: 'keep one', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] }
    const set = await api('PUT', '/api/v1/repositories/acme/old/settings', { lifecyclePolicy: JSON.stringify(policy) })
    assert.equal(set.status, 200, set.text)
    const run = await api('POST', '/api/v1/repositories/acme/old/lifecycle-policy/run')
    assert.equal(run.status, 200, run.text)
    await deliveriesUntil('acme', sub['id'], allSucceeded(1))
    const [ce] = verified('/expired')
    assert.equal(ce!['type'], 'io.drydock.image.expired')
    assert.deepEqual(ce!['data']['tags'], ['a'], 'the older image')
    assert.equal(ce!['data']['rulePriority'], 1)
    assert.ok(!Number.isNaN(Date.parse(ce!['data']['restoreUntil'])))
    await api('DELETE', `/api/v1/orgs/acme/webhooks/${sub['id']}`)
  })

  it('manages subscriptions: list, get, disable, bad input, refused destinations; never shows a secret again', async () => {
    const sub = await subscribe('acme', '/managed', { eventTypes: ['image.deleted'], minSeverity: 'low' })
    assert.equal(sub['minSeverity'], 'LOW')
    const listed = await api('GET', '/api/v1/orgs/acme/webhooks')
    assert.ok((listed.body['webhooks'] as Json[]).some((w) => w['id'] === sub['id']))
    const got = await api('GET', `/api/v1/orgs/acme/webhooks/${sub['id']}`)
    assert.equal(got.status, 200)
    assert.equal(got.body['secret'], undefined)
    const off = await api('PATCH', `/api/v1/orgs/acme/webhooks/${sub['id']}`, { enabled: false, minSeverity: null })
    assert.equal(off.status, 200, off.text)
    assert.equal(off.body['enabled'], false)
    assert.equal(off.body['minSeverity'], undefined)
    assert.equal((await api('PATCH', `/api/v1/orgs/acme/webhooks/${sub['id']}`, { secret: 'x'.repeat(20) })).status, 400)
    assert.equal((await api('GET', `/api/v1/orgs/other/webhooks/${sub['id']}`)).status, 404, 'not visible from another namespace')
    for (const bad of [
      { url: 'ftp://example.com/x' }, { url: 'https://user:pw@example.com/x' }, { url: 'http://10.1.2.3/x' }, { url: 'http://[::1]:8080/x' },
      { url: 'https://example.com/x', eventTypes: ['image.exploded'] }, { url: 'https://example.com/x', repositoryPattern: 'other/app' },
      { url: 'https://example.com/x', format: 'xml' }, { url: 'https://example.com/x', secret: 'short' }, { url: 'https://example.com/x', extra: 1 },
    ]) {
      const r = await api('POST', '/api/v1/orgs/acme/webhooks', bad)
      assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${r.text}`)
    }
    // A disabled subscription gets nothing.
    await push('busybox', '1', 'acme/quiet:1')
    assert.equal((await fetch(`${drydock.url}/v2/acme/quiet/manifests/1`, { method: 'DELETE' })).status, 202)
    assert.deepEqual((await api('GET', `/api/v1/orgs/acme/webhooks/${sub['id']}/deliveries`)).body['deliveries'], [])
    assert.equal((await api('DELETE', `/api/v1/orgs/acme/webhooks/${sub['id']}`)).status, 204)
    assert.equal((await api('GET', `/api/v1/orgs/acme/webhooks/${sub['id']}`)).status, 404)
  })

  it('no secret appears in the server log (debug level) or in any answer after creation', async () => {
    const listed = (await api('GET', '/api/v1/orgs/acme/webhooks')).text + (await api('GET', '/api/v1/orgs/other/webhooks')).text
    const log = drydock.output()
    assert.ok(log.includes('webhook delivered'), 'the log does talk about deliveries')
    for (const s of secrets) {
      assert.ok(!log.includes(s), 'a webhook secret is in the server log')
      assert.ok(!listed.includes(s), 'a webhook secret is in a listing')
    }
    for (const r of receiver.requests) {
      const text = r.body.toString('utf8') + JSON.stringify(r.headers)
      for (const s of secrets) assert.ok(!text.includes(s), 'a webhook secret was sent in a delivery')
    }
  })
})

describe('webhooks with access control on and the default destination rules', () => {
  const ADMIN = { user: 'hookadmin', password: 'hookadmin-password-long-1' }
  let drydock: RunningDrydock
  const auth = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`
  const call = async (method: string, path: string, body?: unknown, authorization: string | null = auth): Promise<{ status: number; body: Json; text: string }> => {
    const headers: Record<string, string> = { ...(authorization === null ? {} : { Authorization: authorization }), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }
    const res = await fetch(`${drydock.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const text = await res.text()
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Json), text }
  }

  before(async () => {
    drydock = await startDrydock({ args: ['--auth', 'on', '--log-level', 'debug'], env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password } })
  })
  after(async () => {
    await drydock?.stop()
  })

  it('refuses loopback destinations by default, needs credentials, and audits create, update and delete without the secret', async () => {
    assert.equal((await call('POST', '/api/v1/orgs/acme/webhooks', { url: 'https://hooks.example.com/x' }, null)).status, 401)
    const loop = await call('POST', '/api/v1/orgs/acme/webhooks', { url: 'http://127.0.0.1:9/x' })
    assert.equal(loop.status, 400, loop.text)
    assert.match(loop.text, /allowedDestinations/)
    const created = await call('POST', '/api/v1/orgs/acme/webhooks', { url: 'https://hooks.example.com/x', eventTypes: ['finding.new'] })
    assert.equal(created.status, 201, created.text)
    const secret = created.body['secret'] as string
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/)
    const id = created.body['id'] as string
    assert.equal((await call('PATCH', `/api/v1/orgs/acme/webhooks/${id}`, { enabled: false })).status, 200)
    assert.equal((await call('DELETE', `/api/v1/orgs/acme/webhooks/${id}`)).status, 204)
    const audit = await call('GET', '/api/v1/audit?limit=100')
    const actions = (audit.body['events'] as Json[]).filter((e) => String(e['action']).startsWith('webhook.'))
    assert.deepEqual(actions.map((e) => e['action']), ['webhook.create', 'webhook.update', 'webhook.delete'])
    assert.ok(actions.every((e) => e['actor'] === ADMIN.user))
    assert.ok(!audit.text.includes(secret), 'the secret is not in the audit log')
    assert.ok(!drydock.output().includes(secret), 'the secret is not in the server log')
  })
})
