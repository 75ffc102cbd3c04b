// `drydock scan --from-registry`: the real CLI reads the result a real `drydock serve` stored on
// push (no local advisory DB, no layer cache: it cannot have scanned itself), applies the
// caller's gate, and fails clearly for an image the registry does not hold.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { cliSandbox, show, type CliSandbox } from '../cli/cli-harness.ts'
import { NPM_EXPECTED, startScanServer, type Json, type ScanServer } from './scan-on-push-fixture.ts'

requireTestdata()

describe('drydock scan --from-registry', { timeout: 600_000 }, () => {
  let server: ScanServer
  let skopeo: Skopeo
  let box: CliSandbox

  before(async () => {
    skopeo = await createSkopeo()
    server = await startScanServer()
    box = await cliSandbox()
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'node-app-vuln')}:1.0.0`, `docker://${server.drydock.host}/ci/app:1.0.0`)
  })
  after(async () => {
    await box?.close()
    await server?.close()
    await skopeo?.dispose()
  })

  test('reads the stored findings (waiting while the scan runs) and applies the local gate', async () => {
    const r = await box.run(['scan', `${server.drydock.host}/ci/app:1.0.0`, '--from-registry', server.drydock.url, '--format', 'json', '--exit-code', '4'])
    assert.equal(r.code, 4, show(r))
    const doc = JSON.parse(r.stdout) as Json
    const vulns = (doc['findings'] as Json[]).filter((f) => f['kind'] === 'vulnerability')
    assert.deepEqual(vulns.map((f) => [f['id'], f['package'].name, f['severity']]).sort(), NPM_EXPECTED.map((e) => [...e]).sort())
    assert.deepEqual(doc['scanners'], ['vuln', 'secret', 'misconfig'], 'by default every stored scanner')
    assert.ok((doc['findings'] as Json[]).some((f) => f['kind'] === 'misconfig'))
    const crit = await box.run(['scan', 'ci/app:1.0.0', '--from-registry', server.drydock.url, '--format', 'json', '--severity', 'CRITICAL', '--scanners', 'vuln'])
    assert.equal(crit.code, 0, show(crit))
    assert.deepEqual((JSON.parse(crit.stdout)['findings'] as Json[]).map((f) => f['id']), ['GHSA-xvch-5gv4-984h'])
  })

  test('--scanners picks kinds from the stored full report', async () => {
    const r = await box.run(['scan', 'ci/app:1.0.0', '--from-registry', server.drydock.url, '--format', 'json', '--scanners', 'misconfig'])
    assert.equal(r.code, 0, show(r))
    const doc = JSON.parse(r.stdout) as Json
    assert.deepEqual(doc['scanners'], ['misconfig'])
    const kinds = new Set((doc['findings'] as Json[]).map((f) => f['kind']))
    assert.deepEqual([...kinds], ['misconfig'])
    assert.equal(doc['countsByKind'].vulnerability.CRITICAL, 0)
  })

  test('an unknown image is a clear error', async () => {
    const r = await box.run(['scan', 'ci/app:nope', '--from-registry', server.drydock.url])
    assert.equal(r.code, 2, show(r))
    assert.match(r.stderr, /ci\/app:nope: manifest unknown/)
  })
})
