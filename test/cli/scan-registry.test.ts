// `drydock scan` of an image in a registry: the reference registry (docker-registry) started on
// 127.0.0.1 by the test, the image pushed into it with skopeo, scanned over the distribution API.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startReferenceRegistry, type RunningReferenceRegistry } from '../../src/testkit/start-reference-registry.ts'
import { IMAGES_DIR, VULNDB_DIR } from '../../src/testkit/repo-paths.ts'
import { cliSandbox, show, type CliSandbox } from './cli-harness.ts'

let box: CliSandbox
let registry: RunningReferenceRegistry
let skopeo: Skopeo

before(async () => {
  box = await cliSandbox()
  // No credentials from the host: an empty docker config dir.
  box.env['DOCKER_CONFIG'] = join(box.dir, 'docker-config')
  await mkdir(box.env['DOCKER_CONFIG'], { recursive: true })
  registry = await startReferenceRegistry()
  skopeo = await createSkopeo()
  await skopeo.copy(`oci:${join(IMAGES_DIR, 'node-app-vuln')}:1.0.0`, `docker://${registry.host}/test/node-app:1.0.0`)
  const r = await box.run(['db', 'import', join(VULNDB_DIR, 'npm')])
  assert.equal(r.code, 0, show(r))
})
after(async () => {
  await skopeo?.dispose()
  await registry?.stop()
  await box?.close()
})

test('scans an image pulled from a registry and gates on it', async () => {
  const r = await box.run(['scan', `${registry.host}/test/node-app:1.0.0`, '--format', 'json', '--severity', 'CRITICAL', '--exit-code', '1'])
  assert.equal(r.code, 1, show(r))
  const doc = JSON.parse(r.stdout) as { image: { name: string; tag: string }; findings: Array<{ id: string; package: { name: string } }> }
  assert.deepEqual(doc.findings.map((f) => [f.id, f.package.name]), [['GHSA-xvch-5gv4-984h', 'minimist']])
  assert.deepEqual([doc.image.name, doc.image.tag], ['test/node-app', '1.0.0'])
})

test('an unknown tag in a reachable registry is a usage error (2), not unreachable', async () => {
  const r = await box.run(['scan', `docker://${registry.host}/test/node-app:9.9.9`])
  assert.equal(r.code, 2, show(r))
  assert.match(r.stderr, /IMAGE_NOT_FOUND/)
})
