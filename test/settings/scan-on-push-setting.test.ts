// A repository's own scanOnPush setting wins over the config's per-namespace rules (which stay
// the default), through a real `drydock serve` and skopeo. The config scans every push except
// under noscan/; noscan/wanted is created with scanOnPush true and team/quiet with false. A
// scan is queued before the push is answered, so "not scanned" is checked right after the push.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { findingsUrl, getJson, startScanServer, waitForScan, type ScanServer } from '../scan-on-push/scan-on-push-fixture.ts'

requireTestdata()
const BUSYBOX = `oci:${join(IMAGES_DIR, 'busybox')}:1`

describe('scan on push: repository settings over the config rules', { timeout: 600_000 }, () => {
  let server: ScanServer
  let skopeo: Skopeo

  before(async () => {
    skopeo = await createSkopeo()
    server = await startScanServer({ repositories: { noscan: false } })
  })
  after(async () => {
    await server?.close()
    await skopeo?.dispose()
  })

  const create = async (body: Record<string, unknown>): Promise<Record<string, any>> => {
    const res = await fetch(`${server.drydock.url}/api/v1/repositories`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    assert.equal(res.status, 201, await res.clone().text())
    return res.json() as Promise<Record<string, any>>
  }

  test('effective settings: own value, else the config rule', async () => {
    assert.equal((await create({ repositoryName: 'noscan/wanted', scanOnPush: true })).effective.scanOnPush, true)
    assert.equal((await create({ repositoryName: 'team/quiet', scanOnPush: false })).effective.scanOnPush, false)
    const plain = await create({ repositoryName: 'noscan/plain' })
    assert.deepEqual(plain.stored, {})
    assert.equal(plain.effective.scanOnPush, false, 'the noscan rule')
    assert.equal(plain.effective.imageTagMutability, 'MUTABLE')
    const bad = await fetch(`${server.drydock.url}/api/v1/repositories/team/quiet/settings`, { method: 'PUT', body: JSON.stringify({ scanOnPush: 'yes' }) })
    assert.equal(bad.status, 400)
    assert.match(await bad.text(), /scanOnPush/)
  })

  test('skopeo pushes: scanned where the repository says so, not where it says no', async () => {
    await skopeo.copy(BUSYBOX, `docker://${server.drydock.host}/team/quiet:1`)
    const quiet = await getJson(findingsUrl(server.drydock.url, 'team/quiet', '1'))
    assert.equal(quiet.status, 404, JSON.stringify(quiet.body))
    await skopeo.copy(BUSYBOX, `docker://${server.drydock.host}/noscan/wanted:1`)
    const wanted = await waitForScan(server.drydock.url, 'noscan/wanted', '1')
    assert.equal(wanted['imageScanStatus'].status, 'COMPLETE', JSON.stringify(wanted))
  })
})
