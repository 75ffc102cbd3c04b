// GET /metrics against a real `drydock serve` (docs/metrics.md): skopeo pushes and pulls a shared
// image, and the counters move by exactly what happened (requests by route and status, blob bytes
// in and out = the image's blob sizes, uploads, pulls); the exposition passes `promtool check
// metrics` with no finding and never names a repository; the access modes refuse and allow as
// documented; a scan-on-push server reports its scans and the stored findings by severity.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { getJson, startScanServer, waitForScan, type Json, type ScanServer } from '../scan-on-push/scan-on-push-fixture.ts'
import { moved, parseExposition, promtoolCheck, value, type Samples } from './exposition.ts'

requireTestdata()

const IMAGE = 'node-app-vuln'
const REF = '1.0.0'
// Distinctive names, so that finding them anywhere in the exposition means they leaked.
const NAMESPACE = 'zqmetricsns'
const REPO = `${NAMESPACE}/zqsecretapp`

/** The image's blobs as the OCI layout holds them: config + layers, with their sizes. */
async function blobsOf(image: string): Promise<{ readonly count: number; readonly bytes: number }> {
  const dir = join(IMAGES_DIR, image)
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }
  const manifestDigest = index.manifests[0]?.digest ?? ''
  const manifest = JSON.parse(await readFile(join(dir, 'blobs', 'sha256', manifestDigest.slice('sha256:'.length)), 'utf8')) as {
    config: { size: number }; layers: { size: number }[]
  }
  const sizes = [manifest.config.size, ...manifest.layers.map((l) => l.size)]
  return { count: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) }
}

async function scrape(base: string, authorization?: string): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${base}/metrics`, authorization ? { headers: { authorization } } : {})
  return { status: res.status, text: await res.text(), headers: res.headers }
}

async function samples(base: string): Promise<{ text: string; s: Samples }> {
  const r = await scrape(base)
  assert.equal(r.status, 200, r.text)
  return { text: r.text, s: parseExposition(r.text) }
}

const image = blobsOf(IMAGE)
const HTTP = 'drydock_http_requests_total'
const req = (route: string, method: string, status: number) => `${HTTP}{door="v2",method="${method}",route="${route}",status="${status}"}`
const MANIFEST = '/v2/{name}/manifests/{reference}'
const BLOB = '/v2/{name}/blobs/{digest}'
const UPLOAD = '/v2/{name}/blobs/uploads/{id}'

describe('GET /metrics with skopeo push and pull', { timeout: 300_000 }, () => {
  let server: RunningDrydock
  let skopeo: Skopeo
  let work: string

  before(async () => {
    skopeo = await createSkopeo()
    work = await mkdtemp(join(tmpdir(), 'drydock-metrics-'))
    server = await startDrydock({ args: ['--auth', 'off'] })
  })
  after(async () => {
    await server?.stop()
    await skopeo?.dispose()
    await rm(work, { recursive: true, force: true })
  })

  test('a push moves the upload counters by the image\'s blobs, a pull the download and pull counters; nothing else leaks', async () => {
    const { count, bytes } = await image
    const start = await samples(server.url)

    await skopeo.copy(`oci:${join(IMAGES_DIR, IMAGE)}:${REF}`, `docker://${server.host}/${REPO}:${REF}`)
    const pushed = await samples(server.url)
    const push = moved(start.s, pushed.s, 'drydock_')
    assert.equal(push.get('drydock_blob_upload_bytes_total'), bytes, 'upload bytes = the blobs\' sizes')
    assert.equal(push.get('drydock_blob_uploads_completed_total'), count)
    assert.equal(push.get(req(UPLOAD, 'PUT', 201)), count, 'one committing PUT per blob')
    assert.equal(push.get(req(MANIFEST, 'PUT', 201)), 1)
    assert.equal(push.get('drydock_manifest_pulls_total'), undefined, 'a push is no pull')
    assert.equal(push.get('drydock_blob_download_bytes_total'), undefined)

    await skopeo.copy(`docker://${server.host}/${REPO}:${REF}`, `oci:${join(work, 'pulled')}:${REF}`)
    const pulled = await samples(server.url)
    const pull = moved(pushed.s, pulled.s, 'drydock_')
    const manifestGets = pull.get(req(MANIFEST, 'GET', 200))
    assert.equal(manifestGets, 1, [...pull].join('\n'))
    assert.equal(pull.get('drydock_manifest_pulls_total'), manifestGets, 'a pull per manifest GET')
    assert.equal(pull.get(req(BLOB, 'GET', 200)), count)
    assert.equal(pull.get('drydock_blob_download_bytes_total'), bytes, 'download bytes = the blobs\' sizes')
    assert.equal(pull.get('drydock_blob_upload_bytes_total'), undefined)
    // Every request counted has its duration observed.
    assert.equal(value(pulled.s, 'drydock_http_request_duration_seconds_count', { door: 'v2', route: BLOB, method: 'GET' }), value(pulled.s, HTTP, { door: 'v2', route: BLOB, method: 'GET', status: '200' }))

    for (const leak of [NAMESPACE, 'zqsecretapp', 'sha256:']) assert.ok(!pulled.text.includes(leak), `the exposition contains ${leak}`)
    for (const type of ['counter', 'gauge', 'histogram']) assert.match(pulled.text, new RegExp(`# TYPE drydock_\\w+ ${type}`))
    assert.match(pulled.text, /^process_resident_memory_bytes \d+/m, 'process metrics (prom-client defaults)')
  })

  test('every sample has HELP and TYPE, and promtool finds nothing (no error, no naming warning)', async () => {
    const { text } = await samples(server.url)
    const check = promtoolCheck(text)
    assert.equal(check.output, '', check.output)
    assert.equal(check.status, 0)
    const helped = new Set([...text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]))
    const typed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]))
    assert.deepEqual([...typed].filter((n) => !helped.has(n)), [])
    assert.ok([...typed].filter((n) => n?.startsWith('drydock_')).length >= 15)
  })

  test('routes are patterns, never URLs: an unknown path and a repository with a digest stay bounded', async () => {
    const before = await samples(server.url)
    await fetch(`${server.url}/no/such/${NAMESPACE}-path`)
    await fetch(`${server.url}/v2/${REPO}/manifests/sha256:${'0'.repeat(64)}`)
    await fetch(`${server.url}/healthz`)
    const after = await samples(server.url)
    const d = moved(before.s, after.s, HTTP)
    assert.equal(d.get(`${HTTP}{door="health",method="GET",route="/healthz",status="200"}`), 1)
    assert.equal(d.get(`${HTTP}{door="other",method="GET",route="unmatched",status="404"}`), 1)
    assert.equal(d.get(req(MANIFEST, 'GET', 404)), 1)
    assert.ok(!after.text.includes(NAMESPACE))
  })
})

describe('who may read /metrics', { timeout: 120_000 }, () => {
  const ADMIN = { user: 'metricsadmin', password: 'metrics-admin-password-long' }
  const TOKEN = 'metrics-token-0123456789abcdef'
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
  let both: RunningDrydock
  let tokenOnly: RunningDrydock
  let disabled: RunningDrydock
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drydock-metrics-auth-'))
    const tokenFile = join(dir, 'metrics-token')
    await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 })
    const adminEnv = { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password }
    both = await startDrydock({ args: ['--auth', 'on', '--metrics-auth', 'token,admin'], env: { ...adminEnv, DRYDOCK_METRICS_TOKEN: TOKEN } })
    tokenOnly = await startDrydock({ args: ['--auth', 'on', '--metrics-auth', 'token', '--metrics-token-file', tokenFile], env: adminEnv })
    disabled = await startDrydock({ args: ['--auth', 'off', '--metrics-enabled', 'false'] })
    const user = await fetch(`${both.url}/api/v1/users`, {
      method: 'POST', headers: { authorization: basic(ADMIN.user, ADMIN.password), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'plainuser', password: 'plain-user-password-long' }),
    })
    assert.equal(user.status, 201, await user.text())
  })
  after(async () => {
    await Promise.all([both?.stop(), tokenOnly?.stop(), disabled?.stop()])
    await rm(dir, { recursive: true, force: true })
  })

  test('token,admin: the bearer token or an admin\'s credentials; nothing else', async () => {
    const none = await scrape(both.url)
    assert.equal(none.status, 401)
    assert.match(none.headers.get('www-authenticate') ?? '', /Bearer realm="drydock-metrics".*Basic realm="drydock"/)
    assert.doesNotMatch(none.text, /drydock_/)
    assert.equal((await scrape(both.url, `Bearer ${TOKEN}`)).status, 200)
    assert.equal((await scrape(both.url, `Bearer ${TOKEN}x`)).status, 401)
    assert.equal((await scrape(both.url, `Bearer ${TOKEN.slice(0, -1)}`)).status, 401)
    assert.equal((await scrape(both.url, basic(ADMIN.user, ADMIN.password))).status, 200)
    assert.equal((await scrape(both.url, basic(ADMIN.user, 'wrong-password-long'))).status, 401)
    assert.equal((await scrape(both.url, basic('plainuser', 'plain-user-password-long'))).status, 403, 'a user who is no admin')
    assert.ok(!both.output().includes(TOKEN), 'the token is never logged')
  })

  test('token only (from a file): the token; an admin\'s password is not enough', async () => {
    assert.equal((await scrape(tokenOnly.url)).status, 401)
    assert.equal((await scrape(tokenOnly.url, `Bearer ${TOKEN}`)).status, 200, 'the trailing newline of the file is not part of the token')
    assert.equal((await scrape(tokenOnly.url, basic(ADMIN.user, ADMIN.password))).status, 401)
    assert.ok(!tokenOnly.output().includes(TOKEN))
  })

  test('metrics.enabled false: no route', async () => {
    assert.equal((await scrape(disabled.url)).status, 404)
  })
})

describe('scan metrics with scan on push', { timeout: 600_000 }, () => {
  let server: ScanServer
  let skopeo: Skopeo

  before(async () => {
    skopeo = await createSkopeo()
    server = await startScanServer()
  })
  after(async () => {
    await server?.close()
    await skopeo?.dispose()
  })

  test('a finished scan is counted with its duration, and the stored findings appear by severity', async () => {
    const base = server.drydock.url
    const start = await samples(base)
    for (const severity of ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) assert.equal(value(start.s, 'drydock_scan_findings', { severity }), 0)
    await skopeo.copy(`oci:${join(IMAGES_DIR, IMAGE)}:${REF}`, `docker://${server.drydock.host}/${REPO}:${REF}`)
    const scan = await waitForScan(base, REPO, REF)
    assert.equal(scan['imageScanStatus'].status, 'COMPLETE')
    const done = await samples(base)
    assert.equal(value(done.s, 'drydock_scans_total', { result: 'complete' }), 1)
    assert.equal(value(done.s, 'drydock_scans_total', { result: 'failed' }), 0)
    assert.equal(value(done.s, 'drydock_scan_duration_seconds_count', { result: 'complete' }), 1)
    assert.ok(value(done.s, 'drydock_scan_duration_seconds_sum', { result: 'complete' }) > 0)
    assert.equal(value(done.s, 'drydock_scan_queue_jobs', { state: 'pending' }), 0)
    assert.equal(value(done.s, 'drydock_scan_queue_jobs', { state: 'in_progress' }), 0)
    // The stored report's own counts (all kinds of finding), summed over its images.
    const report = await getJson(`${base}/api/v1/repositories/${REPO}/images/${REF}/scan-report`)
    assert.equal(report.status, 200)
    const expected: Record<string, number> = { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 }
    for (const img of report.body['images'] as Json[]) for (const [sev, n] of Object.entries(img['report']['counts'] as Record<string, number>)) expected[sev] = (expected[sev] ?? 0) + n
    for (const [severity, n] of Object.entries(expected)) assert.equal(value(done.s, 'drydock_scan_findings', { severity }), n, severity)
    // The lodash and minimist advisories (scan-on-push-fixture.ts NPM_EXPECTED) are among them.
    assert.ok(value(done.s, 'drydock_scan_findings', { severity: 'CRITICAL' }) >= 1)
    assert.ok(value(done.s, 'drydock_scan_findings', { severity: 'HIGH' }) >= 2)
    assert.ok(!done.text.includes(NAMESPACE))
    const check = promtoolCheck(done.text)
    assert.equal(check.output, '', check.output)
  })
})

describe('deploy gate, lifecycle and garbage collection counters', { timeout: 300_000 }, () => {
  const ADMIN = { user: 'opsadmin', password: 'ops-admin-password-long' }
  const adminBasic = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`
  const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json'
  const keepOne = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] })
  let server: RunningDrydock
  let skopeo: Skopeo
  let dir: string

  const bearer = async (repo: string, actions: string): Promise<string> => {
    const res = await fetch(`${server.url}/token?service=drydock&scope=repository:${repo}:${actions}`, { headers: { authorization: adminBasic } })
    assert.equal(res.status, 200)
    return `Bearer ${((await res.json()) as { token: string }).token}`
  }
  const getManifest = async (repo: string, ref: string) =>
    fetch(`${server.url}/v2/${repo}/manifests/${ref}`, { headers: { authorization: await bearer(repo, 'pull'), accept: ACCEPT } })
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method, headers: { authorization: adminBasic, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as Json }
  }
  const adminScrape = async (): Promise<Samples> => {
    const r = await scrape(server.url, adminBasic)
    assert.equal(r.status, 200, r.text)
    return parseExposition(r.text)
  }

  before(async () => {
    skopeo = await createSkopeo()
    dir = await mkdtemp(join(tmpdir(), 'drydock-metrics-ops-'))
    const config = join(dir, 'config.json')
    await writeFile(config, JSON.stringify({
      policies: [
        { name: 'gate-signed', scope: 'zqgate', mode: 'enforce', require: { signed: true } },
        { name: 'audit-signed', scope: 'zqaudit', mode: 'audit', require: { signed: true } },
      ],
      repositories: { defaults: { zqlife: { lifecyclePolicy: keepOne } }, templates: {} },
      gc: { gracePeriod: '0s' },
    }))
    server = await startDrydock({
      args: ['--config', config, '--auth', 'on', '--metrics-auth', 'admin'],
      env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password },
    })
    const push = (image: string, ref: string, dest: string) =>
      skopeo.copy(`oci:${join(IMAGES_DIR, image)}:${ref}`, `docker://${server.host}/${dest}`, { creds: `${ADMIN.user}:${ADMIN.password}` })
    await push('busybox', '1', 'zqgate/app:1')
    await push(IMAGE, REF, 'zqaudit/app:1')
    await push('busybox', '1', 'zqlife/app:old')
    await push('alpine-3.20', '3.20.3', 'zqlife/app:new')
  })
  after(async () => {
    await server?.stop()
    await skopeo?.dispose()
    await rm(dir, { recursive: true, force: true })
  })

  test('gate decisions by door and decision: deny (enforce), audit-deny (audit), allow (no policy)', async () => {
    const before = await adminScrape()
    assert.equal((await getManifest('zqgate/app', '1')).status, 403)
    assert.equal((await getManifest('zqaudit/app', '1')).status, 200)
    assert.equal((await getManifest('zqlife/app', 'new')).status, 200)
    const d = moved(before, await adminScrape(), 'drydock_gate_decisions_total')
    assert.deepEqual(Object.fromEntries(d), {
      'drydock_gate_decisions_total{decision="deny",door="pull"}': 1,
      'drydock_gate_decisions_total{decision="audit-deny",door="pull"}': 1,
      'drydock_gate_decisions_total{decision="allow",door="pull"}': 1,
    })
  })

  test('a lifecycle run counts the image it expired, a restore the image restored', async () => {
    const before = await adminScrape()
    const run = await api('POST', '/repositories/zqlife/app/lifecycle-policy/run')
    assert.equal(run.status, 200, JSON.stringify(run.body))
    const expired = run.body['expired'] as Json[]
    assert.equal(expired.length, 1)
    const afterRun = await adminScrape()
    assert.equal(value(afterRun, 'drydock_lifecycle_expired_images_total') - value(before, 'drydock_lifecycle_expired_images_total'), 1)
    const restore = await api('POST', `/repositories/zqlife/app/expired-images/${expired[0]?.['digest'] as string}/restore`)
    assert.equal(restore.status, 200, JSON.stringify(restore.body))
    const afterRestore = await adminScrape()
    assert.equal(value(afterRestore, 'drydock_lifecycle_restored_images_total') - value(afterRun, 'drydock_lifecycle_restored_images_total'), 1)
  })

  test('garbage collection: a dry run deletes nothing; a real run adds exactly what its report deleted', async () => {
    const res = await getManifest('zqaudit/app', '1')
    const digest = res.headers.get('docker-content-digest') ?? ''
    const del = await fetch(`${server.url}/v2/zqaudit/app/manifests/${digest}`, { method: 'DELETE', headers: { authorization: await bearer('zqaudit/app', 'delete') } })
    assert.equal(del.status, 202)
    const start = await adminScrape()
    const dry = await api('POST', '/gc', { dryRun: true })
    assert.equal(dry.status, 200, JSON.stringify(dry.body))
    assert.ok(Number(dry.body['deletedBlobs']) > 0, 'the unreferenced blobs would be deleted')
    const afterDry = await adminScrape()
    assert.deepEqual(Object.fromEntries(moved(start, afterDry, 'drydock_gc_')), { 'drydock_gc_runs_total{outcome="dry_run"}': 1 })
    const real = await api('POST', '/gc', {})
    assert.equal(real.status, 200, JSON.stringify(real.body))
    const { bytes } = await image
    assert.ok(Number(real.body['freedBytes']) >= bytes, 'at least the deleted image\'s blobs')
    assert.deepEqual(Object.fromEntries(moved(afterDry, await adminScrape(), 'drydock_gc_')), {
      'drydock_gc_runs_total{outcome="completed"}': 1,
      'drydock_gc_deleted_blobs_total': real.body['deletedBlobs'],
      'drydock_gc_deleted_bytes_total': real.body['freedBytes'],
    })
  })
})
