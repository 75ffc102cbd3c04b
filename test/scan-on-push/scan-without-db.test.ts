// Scan on push on a registry without an advisory DB (issue #20): secrets and misconfigurations
// need no DB, so they are stored; the vulnerability part is marked unavailable with its reason,
// machine-readably, so nobody reads "no vulnerability data" as "no vulnerabilities". The ECR-shaped
// findings API (vulnerabilities only) says FINDINGS_UNAVAILABLE; the start-up log warns; and
// `drydock scan --from-registry` prints the stored findings, says plainly that vulnerabilities
// were not checked and exits 3 (EXIT.unreachable: the registry could not do that part), unless
// the caller asked only for the scanners that ran. The image also holds Debian's nginx config
// without security headers: the registry's scan reports DRY-DI-0008 (issue #20, item 2).
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { EXIT } from '../../src/cli/exit-codes.ts'
import { gnuTar, writeLayout } from '../../src/scanner/image/testing/layout-builder.ts'
import { requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { cliSandbox, show, type CliSandbox } from '../cli/cli-harness.ts'
import { makeSecrets } from '../findings/planted-image.ts'
import { nginxWithoutHeadersTree } from '../findings/web-server-image.ts'
import { getJson, startScanServer, waitForScan, type Json, type ScanServer } from './scan-on-push-fixture.ts'

requireTestdata()

const NO_DB = /no advisory database configured/

describe('scan on push without an advisory DB', { timeout: 600_000 }, () => {
  let server: ScanServer
  let skopeo: Skopeo
  let box: CliSandbox
  let work = ''

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-nodb-'))
    skopeo = await createSkopeo()
    server = await startScanServer({}, [], { withoutAdvisoryDb: true })
    box = await cliSandbox()
    const s = makeSecrets()
    const tree = {
      ...(await nginxWithoutHeadersTree()),
      'root/.aws/credentials': `[default]\naws_access_key_id = ${s.awsKeyId}\naws_secret_access_key = ${s.awsSecret}\n`,
    }
    const ref = await writeLayout(join(work, 'layout'), [{ tar: await gnuTar(join(work, 'layout'), tree), compression: 'gzip' }], 'v1')
    await skopeo.copy(ref, `docker://${server.drydock.host}/web/app:v1`)
  })
  after(async () => {
    await box?.close()
    await server?.close()
    await skopeo?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  test('the start-up log warns that pushes will not be checked for vulnerabilities', () => {
    const warning = server.drydock.output().split('\n').find((l) => NO_DB.test(l) && /scan on push/.test(l))
    assert.ok(warning, server.drydock.output().slice(0, 3000))
    assert.equal((JSON.parse(warning) as Json)['level'], 40, 'logged as a warning')
  })

  test('secrets and misconfigurations are stored; vulnerabilities are unavailable, with the reason', async () => {
    const body = await waitForScan(server.drydock.url, 'web/app', 'v1')
    // The ECR view lists vulnerabilities only: it must not say COMPLETE with zero of them.
    assert.equal(body['imageScanStatus'].status, 'FINDINGS_UNAVAILABLE', JSON.stringify(body['imageScanStatus']))
    assert.match(body['imageScanStatus'].description, NO_DB)
    assert.equal(body['imageScanFindings'], undefined)

    const stored = await getJson(`${server.drydock.url}/api/v1/repositories/web/app/images/v1/scan-report`)
    assert.equal(stored.status, 200, JSON.stringify(stored.body))
    assert.equal(stored.body['status'], 'COMPLETE', 'the scan job is done: secrets and misconfigurations are final')
    const report = stored.body['images'][0].report as Json
    assert.deepEqual(report['scanners'], ['secret', 'misconfig'], 'vuln did not run')
    assert.deepEqual(report['unavailable'], [{ scanner: 'vuln', reason: 'no advisory database configured (scanning.advisoryDb / --advisory-db)' }])
    const ids = (report['findings'] as Json[]).map((f) => `${f['kind']}:${f['id']}`)
    assert.ok(ids.includes('secret:aws-access-key-id'), ids.join(' '))
    assert.ok(ids.includes('misconfig:CIS-DI-0001'), ids.join(' '))
    assert.ok(ids.includes('misconfig:DRY-DI-0008'), `the registry's scan reads the nginx config: ${ids.join(' ')}`)
    assert.ok(!ids.some((i) => i.startsWith('vulnerability:')))
    // The checklist stored with it cannot pass on vulnerabilities nobody looked for.
    const reviewed = (report['compliance']?.items as Json[] | undefined)?.find((i) => i['id'] === 'scan-reviewed')
    assert.equal(reviewed?.['status'], 'fail', JSON.stringify(report['compliance']))
    assert.match(String(reviewed?.['evidence']), NO_DB)
    // The table rendering says so in words.
    const table = await fetch(`${server.drydock.url}/api/v1/repositories/web/app/images/v1/scan-report?format=table`)
    assert.match(await table.text(), /Vulnerabilities: unavailable \(no advisory database configured/)
  })

  test('drydock scan --from-registry prints the findings, says vulnerabilities were not checked, exits 3', async () => {
    const r = await box.run(['scan', 'web/app:v1', '--from-registry', server.drydock.url, '--format', 'json'])
    assert.equal(r.code, EXIT.unreachable, show(r))
    const doc = JSON.parse(r.stdout) as Json
    assert.deepEqual(doc['scanners'], ['secret', 'misconfig'])
    assert.deepEqual((doc['unavailable'] as Json[]).map((u) => u['scanner']), ['vuln'])
    assert.ok((doc['findings'] as Json[]).some((f) => f['id'] === 'aws-access-key-id'))
    assert.match(r.stderr, /vulnerabilities were not checked: the registry has no advisory database configured/)

    const table = await box.run(['scan', 'web/app:v1', '--from-registry', server.drydock.url])
    assert.equal(table.code, EXIT.unreachable, show(table))
    assert.match(table.stdout, /aws-access-key-id/)
    assert.match(table.stdout, /Vulnerabilities: unavailable/)

    // Asking only for what ran is a normal read: exit 0 (no --exit-code).
    const some = await box.run(['scan', 'web/app:v1', '--from-registry', server.drydock.url, '--scanners', 'secret,misconfig', '--format', 'json'])
    assert.equal(some.code, 0, show(some))
    assert.doesNotMatch(some.stderr, /not checked/)
  })
})
