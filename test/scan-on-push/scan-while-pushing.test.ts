// Scan while pushing (the upload tee): a real `drydock serve` with scan on push analyses layers
// while skopeo uploads them, so the scan after the manifest only matches. Analyses are counted
// from the server's own log (`layer analysed`, source upload or storage: one line per cache
// write). A corrupt layer still commits and its scan FAILS with the reason; a chunked upload
// resumed after a restart is analysed from storage instead.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { imageManifest, OciClient, withQuery } from '../../src/testkit/oci-client.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { DEBIAN_EXPECTED, getJson, idsAndPackages, NPM_EXPECTED, startScanServer, waitForScan, type Json, type ScanServer } from './scan-on-push-fixture.ts'

requireTestdata()

interface LogLine { msg?: string; source?: string; diffId?: string; blob?: string; reason?: string }

function logLines(output: string): LogLine[] {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => {
    try {
      return JSON.parse(l) as LogLine
    } catch {
      return {}
    }
  })
}

const analysed = (output: string, source: 'upload' | 'storage'): string[] =>
  logLines(output).filter((l) => l.msg === 'layer analysed' && l.source === source).map((l) => String(l.diffId))

async function ociImage(name: string): Promise<{ manifest: Json; config: Json; blob: (digest: string) => Promise<Buffer> }> {
  const dir = join(IMAGES_DIR, name)
  const blob = (digest: string): Promise<Buffer> => readFile(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)))
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as Json
  const manifest = JSON.parse((await blob(index['manifests'][0].digest)).toString('utf8')) as Json
  const config = JSON.parse((await blob(manifest['config'].digest)).toString('utf8')) as Json
  return { manifest, config, blob }
}

describe('scan while pushing', { timeout: 600_000 }, () => {
  let server: ScanServer
  let skopeo: Skopeo

  before(async () => {
    skopeo = await createSkopeo()
    // A generous stall budget: on a loaded CI machine the analysis may lag, and this suite is
    // about what is analysed where, not about how much lag the tee tolerates (layer-tee.test.ts).
    server = await startScanServer({ teeMaxStall: '120s' })
  })
  after(async () => {
    await server?.close()
    await skopeo?.dispose()
  })

  test('node-app-on-debian: every layer analysed during the upload, none after the manifest; findings complete', async () => {
    const { drydock } = server
    const { config } = await ociImage('node-app-on-debian')
    const diffIds = config['rootfs'].diff_ids as string[]
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'node-app-on-debian')}:1.0.0`, `docker://${drydock.host}/tee/app:1.0.0`)
    const body = await waitForScan(drydock.url, 'tee/app', '1.0.0')
    assert.equal(body['imageScanStatus'].status, 'COMPLETE', JSON.stringify(body['imageScanStatus']))
    assert.deepEqual(analysed(drydock.output(), 'upload').sort(), [...diffIds].sort(), 'each layer analysed once, while uploading')
    assert.deepEqual(analysed(drydock.output(), 'storage'), [], 'no layer analysed again after the manifest')

    const ids = new Set(idsAndPackages(body).map(([id]) => id))
    assert.deepEqual([...ids].sort(), [...NPM_EXPECTED.map(([id]) => id), ...DEBIAN_EXPECTED.map(([id]) => id)].sort())
    // The stored result is the full `drydock scan` report: every scanner, no separate secrets list.
    const report = await getJson(`${drydock.url}/api/v1/repositories/tee/app/images/1.0.0/scan-report`)
    assert.equal(report.status, 200)
    const image = report.body['images'][0] as Json
    assert.equal(image['secrets'], undefined)
    assert.deepEqual(image['report'].scanners, ['vuln', 'secret', 'misconfig'])
    const kinds = new Set((image['report'].findings as Json[]).map((f) => f['kind']))
    assert.ok(kinds.has('vulnerability') && kinds.has('misconfig'), [...kinds].join(','))
    // ECR findings stay vulnerabilities only.
    assert.equal((body['imageScanFindings'].findings as Json[]).length, idsAndPackages(body).length)
    assert.ok(idsAndPackages(body).every(([id]) => /^(GHSA|DEBIAN)-/.test(String(id))))
  })

  test('a corrupt gzip layer commits as a blob; the tee drops it and the scan FAILS with the reason', async () => {
    const { drydock } = server
    const oci = new OciClient(drydock.url)
    const repo = 'tee/broken'
    const good = gzipSync(Buffer.alloc(256 * 1024, 0x41))
    const garbage = Buffer.concat([good.subarray(0, 40), Buffer.alloc(8 * 1024, 0xee)])
    const layer = await oci.pushBlob(repo, garbage, 'application/vnd.oci.image.layer.v1.tar+gzip')
    assert.equal((await oci.request('HEAD', `/v2/${repo}/blobs/${layer.digest}`)).status, 200, 'the registry does not judge layer content')
    const config = await oci.pushBlob(repo, Buffer.from(JSON.stringify({
      architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(garbage)] },
    })), 'application/vnd.oci.image.config.v1+json')
    const put = await oci.putManifest(repo, 'v1', Buffer.from(JSON.stringify(imageManifest(config, [layer]))))
    assert.equal(put.status, 201)
    const body = await waitForScan(drydock.url, repo, 'v1')
    assert.equal(body['imageScanStatus'].status, 'FAILED')
    assert.match(body['imageScanStatus'].description, /^LAYER_CORRUPT: \S/)
    const dropped = logLines(drydock.output()).find((l) => l.msg === 'layer not analysed during upload' && l.blob === layer.digest)
    assert.ok(dropped, 'the tee reported the corrupt layer')
    assert.match(String(dropped.reason), /analysis failed/)
  })

  test('a chunked upload resumed after a restart is analysed from storage instead', async () => {
    const { drydock } = server
    const oci = new OciClient(drydock.url)
    const repo = 'tee/resumed'
    const { manifest, config, blob } = await ociImage('alpine-3.20')
    const [layerDesc] = manifest['layers'] as Json[]
    const data = await blob(layerDesc!['digest'])
    const half = Math.floor(data.length / 2)
    const loc = await oci.startUpload(repo)
    const first = await oci.request('PATCH', loc, {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${half - 1}` }, body: data.subarray(0, half),
    })
    assert.equal(first.status, 202)
    await drydock.restart()
    const second = await oci.request('PATCH', first.headers.get('location') ?? loc, {
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${half}-${data.length - 1}` }, body: data.subarray(half),
    })
    assert.equal(second.status, 202, second.text())
    const done = await oci.request('PUT', withQuery(second.headers.get('location') ?? loc, { digest: layerDesc!['digest'] }), { headers: { 'Content-Length': '0' } })
    assert.equal(done.status, 201, done.text())
    const cfg = await oci.pushBlob(repo, await blob(manifest['config'].digest), manifest['config'].mediaType)
    const put = await oci.putManifest(repo, '3.20.3', JSON.stringify(imageManifest(cfg, [{ mediaType: layerDesc!['mediaType'], digest: layerDesc!['digest'], size: data.length }])))
    assert.equal(put.status, 201)
    const body = await waitForScan(drydock.url, repo, '3.20.3')
    assert.equal(body['imageScanStatus'].status, 'COMPLETE', JSON.stringify(body['imageScanStatus']))
    const diffId = config['rootfs'].diff_ids[0] as string
    assert.ok(!analysed(drydock.output(), 'upload').includes(diffId), 'the resumed upload was not teed')
    assert.deepEqual(analysed(drydock.output(), 'storage').filter((d) => d === diffId), [diffId], 'analysed once, from storage')
  })
})
