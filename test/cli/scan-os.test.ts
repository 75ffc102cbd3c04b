// `drydock scan` of an OS image: alpine-3.19 against a DB imported from the shared Alpine secdb.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { IMAGES_DIR, VULNDB_DIR } from '../../src/testkit/repo-paths.ts'
import { sarifValidator } from '../../src/scanner/report/testing/report-schemas.ts'
import { cliSandbox, show, type CliSandbox } from './cli-harness.ts'

const ALPINE = `oci:${join(IMAGES_DIR, 'alpine-3.19')}`
let box: CliSandbox
before(async () => {
  box = await cliSandbox()
  const r = await box.run(['db', 'import', '--kind', 'alpine-secdb', join(VULNDB_DIR, 'Alpine', 'secdb')])
  assert.equal(r.code, 0, show(r))
})
after(async () => box.close())

type Json = Record<string, any>

// By hand from Alpine/secdb/v3.19/main: busybox 1.36.1-r21 fixes CVE-2024-58251 and CVE-2025-46394,
// and 3.19.4 ships 1.36.1-r19 for busybox, busybox-binsh and ssl_client (all of origin busybox).
// openssl 3.1.7-r0 is past every openssl fix listed for v3.19 (the last is 3.1.4-r4).
const EXPECTED = ['busybox', 'busybox-binsh', 'ssl_client'].flatMap((p) => [`${p} CVE-2024-58251 1.36.1-r21`, `${p} CVE-2025-46394 1.36.1-r21`])

test('OS packages are matched through their source package, with the apk DB as location', async () => {
  const r = await box.run(['scan', ALPINE, '--scanners', 'vuln', '--format', 'json', '--exit-code', '1'])
  assert.equal(r.code, 1, show(r))
  const doc = JSON.parse(r.stdout) as Json
  assert.equal(doc['image'].os.family, 'alpine')
  assert.equal(doc['image'].os.version, '3.19.4')
  const got = (doc['findings'] as Json[]).map((f) => `${f['package'].name} ${f['aliases'].find((a: string) => a.startsWith('CVE-')) ?? f['id']} ${f['fixedVersions'].join(',')}`)
  assert.deepEqual(got.sort(), EXPECTED.slice().sort())
  // Alpine publishes no severity and this DB has no CVE feed: UNKNOWN, rated by nobody.
  assert.ok((doc['findings'] as Json[]).every((f) => f['severity'] === 'UNKNOWN' && f['severitySource'] === 'none'))
  assert.ok((doc['findings'] as Json[]).every((f) => f['package'].path === 'lib/apk/db/installed'))
})

test('SARIF for OS findings points at the package database file', async () => {
  const r = await box.run(['scan', ALPINE, '--scanners', 'vuln', '--format', 'sarif'])
  assert.equal(r.code, 0, show(r))
  const doc = JSON.parse(r.stdout) as Json
  assert.equal(sarifValidator()(doc), undefined)
  const results = doc['runs'][0].results as Json[]
  assert.equal(results.length, 6)
  assert.equal(doc['runs'][0].tool.driver.rules.length, 2, 'one rule per advisory')
  for (const res of results) {
    assert.equal(res['locations'][0].physicalLocation.artifactLocation.uri, 'lib/apk/db/installed')
    assert.equal(res['level'], 'note')
  }
})

test('--severity without UNKNOWN passes the gate', async () => {
  const r = await box.run(['scan', ALPINE, '--scanners', 'vuln', '--severity', 'LOW,MEDIUM,HIGH,CRITICAL', '--exit-code', '1'])
  assert.equal(r.code, 0, show(r))
  assert.match(r.stdout, /Total: 0 \(CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0\)/)
})
