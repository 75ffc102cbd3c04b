// Security issue #12, hole 7: hard links (and plain copies) amplify a scan. A 17 KB layer (a file
// of 120 fake AWS keys + 2,000 hard links to it) used to yield ~240,000 secret findings, a
// 100 MB layer-cache entry and `RangeError: Maximum call stack size exceeded`. Pushed here over
// real HTTP to a server that scans on push:
//  - the hard-linked file is analysed once: its findings are on the file, not on every link;
//  - a layer of many copies of the file has its findings bounded per layer (scanning setting
//    maxFindingsPerLayer) and the stored report says it was truncated (JSON, table, SARIF);
//  - both scans complete; no cache entry is larger than the cache's entry bound.
import assert from 'node:assert/strict'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { tarBytes, type RawEntry } from '../../src/scanner/image/testing/tar-writer.ts'
import { imageManifest, OciClient } from '../../src/testkit/oci-client.ts'
import { getJson, startScanServer, waitForScan, type ScanServer } from '../scan-on-push/scan-on-push-fixture.ts'
import { fakeAwsKeys } from './layer-attack-helpers.ts'

const KEYS = fakeAwsKeys(120)
/** The per-layer bound the server is configured with (scanning.maxFindingsPerLayer). */
const PER_LAYER = 300

async function pushLayer(oci: OciClient, repo: string, tar: Buffer): Promise<void> {
  const layer = await oci.pushBlob(repo, gzipSync(tar), MediaType.ociLayerGzip)
  const config = await oci.pushBlob(repo, Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { User: '1000' }, rootfs: { type: 'layers', diff_ids: [digestOf(tar)] },
  })), MediaType.ociConfig)
  const put = await oci.putManifest(repo, 'v1', Buffer.from(JSON.stringify(imageManifest(config, [layer]))))
  assert.equal(put.status, 201, put.text())
}

async function secretsOf(base: string, repo: string): Promise<{ secrets: Record<string, any>[]; report: Record<string, any> }> {
  const r = await getJson(`${base}/api/v1/repositories/${repo}/images/v1/scan-report`)
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500))
  const report = r.body['images'][0].report as Record<string, any>
  return { report, secrets: (report['findings'] as Record<string, any>[]).filter((f) => f['kind'] === 'secret') }
}

async function cacheEntrySizes(dataDir: string): Promise<number[]> {
  const root = join(dataDir, 'scan-cache', 'layers')
  const sizes: number[] = []
  for (const sub of await readdir(root).catch(() => [] as string[])) {
    for (const f of await readdir(join(root, sub))) sizes.push((await stat(join(root, sub, f))).size)
  }
  return sizes
}

describe('hole 7: hard links and copies amplify a scan', { timeout: 600_000 }, () => {
  let server: ScanServer

  before(async () => {
    server = await startScanServer({ maxFindingsPerLayer: PER_LAYER })
  })
  after(async () => {
    await server?.close()
  })

  test('2,000 hard links to a file of 120 AWS keys: the file is analysed once, the scan completes', async () => {
    const entries: RawEntry[] = [{ name: 'app/keys.txt', data: KEYS }]
    for (let i = 0; i < 2000; i++) entries.push({ name: `app/links/${i}`, type: '1', linkName: 'app/keys.txt' })
    const tar = tarBytes(entries)
    const oci = new OciClient(server.drydock.url)
    await pushLayer(oci, 'amplify/links', tar)
    const scan = await waitForScan(server.drydock.url, 'amplify/links', 'v1', 300_000)
    assert.equal(scan['imageScanStatus'].status, 'COMPLETE', JSON.stringify(scan['imageScanStatus']))
    const { secrets } = await secretsOf(server.drydock.url, 'amplify/links')
    assert.ok(secrets.length > 0, 'the keys are found')
    const paths = new Set(secrets.map((s) => s['location'].path))
    assert.deepEqual([...paths], ['app/keys.txt'], 'findings are on the file, once, not on each link')
    assert.ok(secrets.length <= 240, `one file's findings, not one set per link: ${secrets.length}`)
    for (const size of await cacheEntrySizes(server.drydock.dataDir)) assert.ok(size < 8 * 1024 ** 2, `a layer-cache entry of ${size} bytes`)
  })

  test('1,500 copies of the file: findings are bounded per layer and the report says it was truncated', async () => {
    const entries: RawEntry[] = []
    for (let i = 0; i < 1500; i++) entries.push({ name: `app/copies/${i}.env`, data: KEYS })
    const tar = tarBytes(entries)
    const oci = new OciClient(server.drydock.url)
    await pushLayer(oci, 'amplify/copies', tar)
    const scan = await waitForScan(server.drydock.url, 'amplify/copies', 'v1', 300_000)
    assert.equal(scan['imageScanStatus'].status, 'COMPLETE', JSON.stringify(scan['imageScanStatus']))
    const { secrets, report } = await secretsOf(server.drydock.url, 'amplify/copies')
    assert.equal(secrets.length, PER_LAYER, 'the first findings up to the bound are listed')
    const truncated = report['truncated'] as Record<string, any> | undefined
    assert.ok(truncated, 'the JSON report carries the truncated marker')
    assert.ok(truncated['omittedFindings'] > 100_000, JSON.stringify(truncated))
    assert.match(JSON.stringify(truncated['reasons']), /maxFindingsPerLayer/)

    const base = `${server.drydock.url}/api/v1/repositories/amplify/copies/images/v1/scan-report`
    const table = await (await fetch(`${base}?format=table`)).text()
    assert.match(table, /\nTRUNCATED: \d+ more finding\(s\) not listed: .*maxFindingsPerLayer/)
    const sarif = (await getJson(`${base}?format=sarif`)).body
    assert.equal(sarif['runs'][0].properties.truncated.omittedFindings, truncated['omittedFindings'])
    assert.ok((sarif['runs'][0].invocations[0].toolExecutionNotifications as Record<string, any>[]).some((n) => /maxFindingsPerLayer/.test(n['message'].text)))
    for (const size of await cacheEntrySizes(server.drydock.dataDir)) assert.ok(size < 8 * 1024 ** 2, `a layer-cache entry of ${size} bytes`)
  })
})
