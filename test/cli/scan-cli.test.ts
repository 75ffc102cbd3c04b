// `drydock scan` end to end: the real CLI, the real pipeline on the shared node-app-vuln image and
// a DB imported by `drydock db import` from the shared GHSA records for npm.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { IMAGES_DIR, VULNDB_DIR } from '../../src/testkit/repo-paths.ts'
import { updateAdvisoryDb } from '../../src/scanner/vuln/db/db-writer.ts'
import { readOsvDirectory } from '../../src/scanner/vuln/sources/directory-source.ts'
import { importRecords } from '../../src/scanner/vuln/sources/import-records.ts'
import { cyclonedxValidator, sarifValidator } from '../../src/scanner/report/testing/report-schemas.ts'
import { cliSandbox, show, type CliSandbox } from './cli-harness.ts'

const IMAGE = `oci:${join(IMAGES_DIR, 'node-app-vuln')}`
// The one layer blob of node-app-vuln (its manifest lists it; see the image README).
const LAYER_HEX = '8ab97ed83a39c4674839ab291af17c7d6254f4a1e7363cbabdbf5e7ad67de124'
// Read by hand from ../shared/testdata/vulndb/npm: lodash 4.17.15 is in the ranges of these three
// (fixed 4.17.21, 4.17.21, 4.17.20; not GHSA-jf85-cpcp-j695, fixed 4.17.12), minimist 1.2.0 in
// these two (introduced 1.0.0, fixed 1.2.3 / 1.2.6). Severities are the GHSA ratings.
const EXPECTED = [
  ['GHSA-xvch-5gv4-984h', 'minimist', 'CRITICAL'],
  ['GHSA-35jh-r3h4-6jhm', 'lodash', 'HIGH'],
  ['GHSA-p6mc-m468-83gw', 'lodash', 'HIGH'],
  ['GHSA-29mw-wpgm-hmr9', 'lodash', 'MEDIUM'],
  ['GHSA-vh95-rmgr-6w4m', 'minimist', 'MEDIUM'],
]

let box: CliSandbox

before(async () => {
  box = await cliSandbox()
  const r = await box.run(['db', 'import', join(VULNDB_DIR, 'npm')])
  assert.equal(r.code, 0, show(r))
})
after(async () => box.close())

type Json = Record<string, any>

test('finds the lodash and minimist advisories; --exit-code 1 fails the gate', async () => {
  const r = await box.run(['scan', IMAGE, '--scanners', 'vuln', '--format', 'json', '--exit-code', '1'])
  assert.equal(r.code, 1, show(r))
  const doc = JSON.parse(r.stdout) as Json
  const got = (doc['findings'] as Json[]).map((f) => [f['id'], f['package'].name, f['severity']])
  assert.deepEqual(got.sort(), EXPECTED.slice().sort())
  assert.equal(doc['findings'][0].severity, 'CRITICAL', 'highest first')
  assert.equal(doc['findings'].find((f: Json) => f['id'] === 'GHSA-p6mc-m468-83gw').fixedVersions[0], '4.17.20')
  assert.deepEqual(doc['counts'], { UNKNOWN: 0, LOW: 0, MEDIUM: 2, HIGH: 2, CRITICAL: 1 })
  assert.match(doc['dataSource'].updatedAt, /^\d{4}-\d\d-\d\dT/)
  assert.equal(doc['dataSource'].sources[0].name, 'osv:npm')
})

test('without --exit-code a scan with findings exits 0; nothing over the threshold exits 0 too', async () => {
  const plain = await box.run(['scan', IMAGE, '--format', 'json'])
  assert.equal(plain.code, 0, show(plain))
  const none = await box.run(['scan', IMAGE, '--scanners', 'vuln', '--format', 'json', '--severity', 'LOW,UNKNOWN', '--exit-code', '1'])
  assert.equal(none.code, 0, show(none))
  assert.deepEqual(JSON.parse(none.stdout)['findings'], [])
  const crit = await box.run(['scan', IMAGE, '--format', 'json', '--severity', 'critical', '--exit-code', '7'])
  assert.equal(crit.code, 7, show(crit))
})

test('table output: counts per severity and the DB age line', async () => {
  const r = await box.run(['scan', IMAGE, '--scanners', 'vuln'])
  assert.equal(r.code, 0, show(r))
  assert.match(r.stdout, /Total: 5 \(CRITICAL: 1, HIGH: 2, MEDIUM: 2, LOW: 0, UNKNOWN: 0\)/)
  assert.match(r.stdout, /Advisory DB: schema 1, updated \S+ \(\d+ minutes? ago\), sources: osv:npm/)
  assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colours when stdout is not a TTY')
})

test('ignore file: an active entry (by CVE alias) passes the gate, an expired one no longer ignores and is reported', async () => {
  const file = join(box.dir, 'ignore.yaml')
  await writeFile(file, 'vulnerabilities:\n  - id: CVE-2021-44906\n    purl: pkg:npm/minimist\n    reason: argv is not attacker controlled\n    expires: 2999-12-31\n')
  const ok = await box.run(['scan', IMAGE, '--severity', 'CRITICAL', '--exit-code', '1', '--ignorefile', file])
  assert.equal(ok.code, 0, show(ok))
  assert.match(ok.stdout, /Ignored \(1\)[\s\S]*GHSA-xvch-5gv4-984h +ignorefile +argv is not attacker controlled/)
  await writeFile(file, '[{"id": "CVE-2021-44906", "reason": "was fine last year", "expires": "2020-01-31"}]')
  const expired = await box.run(['scan', IMAGE, '--severity', 'CRITICAL', '--exit-code', '1', '--ignorefile', file])
  assert.equal(expired.code, 1, show(expired))
  assert.match(expired.stdout, /WARNING: ignore entry for CVE-2021-44906 expired on 2020-01-31/)
  assert.match(expired.stdout, /CRITICAL \(1\)/)
})

test('VEX: not_affected suppresses the finding for that product, under_investigation keeps it', async () => {
  const file = join(box.dir, 'app.openvex.json')
  await writeFile(file, JSON.stringify({
    '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'https://example.test/vex/1', author: 'test', timestamp: '2026-11-01T00:00:00Z', version: 1,
    statements: [
      { vulnerability: { name: 'GHSA-xvch-5gv4-984h' }, products: [{ '@id': 'pkg:npm/minimist@1.2.0' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
      { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'under_investigation' },
    ],
  }))
  const r = await box.run(['scan', IMAGE, '--scanners', 'vuln', '--format', 'json', '--severity', 'CRITICAL,HIGH', '--exit-code', '1', '--vex', file])
  assert.equal(r.code, 1, show(r))
  const doc = JSON.parse(r.stdout) as Json
  assert.deepEqual((doc['findings'] as Json[]).map((f) => f['id']).sort(), ['GHSA-35jh-r3h4-6jhm', 'GHSA-p6mc-m468-83gw'])
  assert.deepEqual((doc['ignored'] as Json[]).map((i) => [i['finding'].id, i['origin']]), [['GHSA-xvch-5gv4-984h', 'vex']])
  const gate = await box.run(['scan', IMAGE, '--severity', 'CRITICAL', '--exit-code', '1', '--vex', file])
  assert.equal(gate.code, 0, show(gate))
})

test('SARIF and CycloneDX outputs validate against their published schemas', async () => {
  const sarifFile = join(box.dir, 'report.sarif')
  const s = await box.run(['scan', IMAGE, '--scanners', 'vuln', '--format', 'sarif', '--output', sarifFile])
  assert.equal(s.code, 0, show(s))
  const sarif = JSON.parse(await readFile(sarifFile, 'utf8')) as Json
  assert.equal(sarifValidator()(sarif), undefined)
  assert.equal(sarif['runs'][0].results.length, 5)
  const c = await box.run(['scan', IMAGE, '--format', 'cyclonedx'])
  assert.equal(c.code, 0, show(c))
  const bom = JSON.parse(c.stdout) as Json
  assert.equal(cyclonedxValidator()(bom), undefined)
  assert.deepEqual((bom['vulnerabilities'] as Json[]).map((v) => v['id']).sort(), EXPECTED.map((e) => e[0]).sort())
  const refs = new Set((bom['components'] as Json[]).map((x) => x['bom-ref']))
  for (const v of bom['vulnerabilities'] as Json[]) assert.ok(refs.has(v['affects'][0].ref))
})

test('usage errors exit 2 with a message', async () => {
  const cases: string[][] = [
    ['scan'],
    ['scan', IMAGE, '--format', 'xml'],
    ['scan', IMAGE, '--severity', 'HIGH,SEVERE'],
    ['scan', IMAGE, '--exit-code', 'one'],
    ['scan', IMAGE, '--no-such-flag'],
    ['scan', IMAGE, '--ignorefile', join(box.dir, 'missing.yaml')],
    ['scan', 'registry.example/app:1', '--offline'],
    ['scan', `oci:${join(box.dir, 'no-such-layout')}`],
    ['scan', IMAGE, '--output', join(box.dir, 'no-such-dir', 'report.txt')],
  ]
  for (const args of cases) {
    const r = await box.run(args)
    assert.equal(r.code, 2, `${args.join(' ')}: ${show(r)}`)
    assert.match(r.stderr, /drydock: \S/, args.join(' '))
  }
})

test('a missing or unreadable DB exits 2 and names the commands that fix it', async () => {
  const r = await box.run(['scan', IMAGE, '--db', join(box.dir, 'empty-db-dir')])
  assert.equal(r.code, 2, show(r))
  assert.match(r.stderr, /no advisory database at .*drydock db update.*drydock db import PATH/)
  const junk = join(box.dir, 'junk-db')
  await mkdir(junk, { recursive: true })
  await writeFile(join(junk, 'advisories.db'), 'this is not an SQLite database\n'.repeat(100))
  const bad = await box.run(['scan', IMAGE, '--db', junk])
  assert.equal(bad.code, 2, show(bad))
  assert.match(bad.stderr, /advisory database .*drydock db update/)
})

test('a corrupt layer is a clear error (exit 2), not a crash', async () => {
  const layout = join(box.dir, 'corrupt-layout')
  await cp(join(IMAGES_DIR, 'node-app-vuln'), layout, { recursive: true })
  const blob = join(layout, 'blobs', 'sha256', LAYER_HEX)
  await chmod(blob, 0o644)
  const bytes = await readFile(blob)
  const mid = Math.floor(bytes.length / 2)
  bytes[mid] = (bytes[mid] ?? 0) ^ 0xff
  await writeFile(blob, bytes)
  // A fresh layer cache: analyses are cached by diff_id, and earlier tests cached this layer's.
  const r = await box.run(['scan', `oci:${layout}`, '--cache-dir', join(box.dir, 'fresh-cache')])
  assert.equal(r.code, 2, show(r))
  assert.match(r.stderr, /^drydock: (DIGEST_MISMATCH|LAYER_CORRUPT|TAR_INVALID)/m)
  assert.doesNotMatch(r.stderr, /internal error/)
})

test('a stale DB scans with a warning', async () => {
  const dir = join(box.dir, 'old-db')
  await mkdir(dir, { recursive: true })
  const old = new Date(Date.now() - 30 * 86_400_000)
  await updateAdvisoryDb(join(dir, 'advisories.db'), async (w) => {
    const d = join(VULNDB_DIR, 'npm')
    await importRecords(w, { name: 'osv:npm', kind: 'osv-dir', location: d }, readOsvDirectory(d))
  }, { now: () => old })
  const r = await box.run(['scan', IMAGE, '--db', dir, '--format', 'json'])
  assert.equal(r.code, 0, show(r))
  assert.match(r.stderr, /warning: the advisory database is 30 days old .*limit 7 days.*drydock db update/)
  assert.equal(JSON.parse(r.stdout)['dataSource'].dataAge, '30 days')
  const tolerant = await box.run(['scan', IMAGE, '--db', dir, '--format', 'json', '--max-db-age', '60'])
  assert.doesNotMatch(tolerant.stderr, /warning/)
})

test('an unreachable registry exits 3', async () => {
  // A port that was just free: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port
      srv.close(() => resolve(p))
    })
  })
  const r = await box.run(['scan', `docker://127.0.0.1:${port}/test/app:1`])
  assert.equal(r.code, 3, show(r))
  assert.match(r.stderr, /cannot reach/)
})
