// The base of an image that does not record it (issue #20: docker's classic builder writes no
// base name, so `--compliance` said "base image not recorded"), found by the registry's scan on
// push among the images it stores: the base and the app are real pushes (skopeo) of images that
// share their first layer blob, as `FROM base` + one layer builds them, and the app records no
// base. The stored compliance checklist names the base with the layers that matched; an image
// with no stored base still says plainly that its base is unknown.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { gnuTar, writeLayout } from '../../src/scanner/image/testing/layout-builder.ts'
import { requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { getJson, startScanServer, waitForScan, type Json, type ScanServer } from './scan-on-push-fixture.ts'

requireTestdata()

async function baseItem(server: ScanServer, repo: string, tag: string): Promise<Json | undefined> {
  await waitForScan(server.drydock.url, repo, tag)
  const stored = await getJson(`${server.drydock.url}/api/v1/repositories/${repo}/images/${tag}/scan-report`)
  assert.equal(stored.status, 200, JSON.stringify(stored.body))
  const items = stored.body['images'][0].report.compliance?.items as Json[] | undefined
  return items?.find((i) => i['id'] === 'base-image')
}

describe('scan on push: the base image found by layers among stored images', { timeout: 600_000 }, () => {
  let server: ScanServer
  let skopeo: Skopeo
  let work = ''

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-base-'))
    skopeo = await createSkopeo()
    server = await startScanServer()
    // One tar for the base layer, reused: the app's first layer is the same blob, as after `FROM`.
    const baseLayer = { tar: await gnuTar(join(work, 't1'), { 'etc/os-release': 'ID=tiny\nVERSION_ID=1\n', 'bin/tool': '#!/bin/sh\n' }), compression: 'gzip' as const }
    const appLayer = { tar: await gnuTar(join(work, 't2'), { 'app/main.sh': '#!/bin/sh\necho app\n' }), compression: 'gzip' as const }
    const otherLayer = { tar: await gnuTar(join(work, 't3'), { 'srv/other.txt': 'unrelated\n' }), compression: 'gzip' as const }
    const base = await writeLayout(join(work, 'base'), [baseLayer], 'latest')
    const app = await writeLayout(join(work, 'app'), [baseLayer, appLayer], '1.0')
    const lone = await writeLayout(join(work, 'lone'), [otherLayer, appLayer], '1.0')
    const host = server.drydock.host
    await skopeo.copy(base, `docker://${host}/team/base:latest`)
    await waitForScan(server.drydock.url, 'team/base', 'latest')
    await skopeo.copy(app, `docker://${host}/team/app:1.0`)
    await skopeo.copy(lone, `docker://${host}/team/lone:1.0`)
  })
  after(async () => {
    await server?.close()
    await skopeo?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  test('the app built FROM a stored base gets that base in its stored checklist', async () => {
    const item = await baseItem(server, 'team/app', '1.0')
    assert.ok(item, 'the stored report has a compliance checklist')
    assert.equal(item['evidence'][0], 'base image not recorded; its first 1 of 2 layers are those of drydock://team/base:latest')
    // Named as an image of this registry: never taken for an official Docker Hub image.
    assert.equal(item['status'], 'fail')
    assert.equal(item['evidence'][1], 'drydock://team/base:latest is neither official nor in the allowlist')
  })

  test('an image whose first layer no stored image has: the base is unknown, and said so', async () => {
    const item = await baseItem(server, 'team/lone', '1.0')
    assert.equal(item?.['status'], 'fail')
    assert.match(String(item?.['evidence'][0]), /^base image unknown: .*no image in the catalog has the same first layers/)
  })
})
