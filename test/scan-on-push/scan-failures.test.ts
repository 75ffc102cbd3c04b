// Scan on push when things go wrong: the server is SIGKILLed in the middle of a scan (the job's
// lease runs out and the restarted server completes it), a corrupt layer ends FAILED with its
// reason while the pushed manifest is still served, and an artifact is UNSUPPORTED_IMAGE.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { gzipSync } from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { imageManifest, OciClient } from '../../src/testkit/oci-client.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { DEBIAN_EXPECTED, getJson, idsAndPackages, startScanServer, waitForScan, type ScanServer } from './scan-on-push-fixture.ts'

requireTestdata()

describe('scan on push: crash, corrupt layer, artifact', { timeout: 600_000 }, () => {
  let server: ScanServer
  let skopeo: Skopeo

  before(async () => {
    skopeo = await createSkopeo()
    // A short lease so the job of the killed process becomes claimable soon after the restart.
    // `crash/` does not scan on push: its layers are not analysed during the upload (which would
    // leave only a short matching step to kill), the test starts the scan by hand.
    server = await startScanServer({ lease: '2s', repositories: { crash: false } })
  })
  after(async () => {
    await server?.close()
    await skopeo?.dispose()
  })

  test('SIGKILL during a scan: after the restart the job completes', async () => {
    const { drydock } = server
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'debian-bookworm-slim')}:bookworm-slim`, `docker://${drydock.host}/crash/debian:1`)
    assert.equal((await fetch(`${drydock.url}/api/v1/repositories/crash/debian/images/1/scan`, { method: 'POST' })).status, 202)
    const running = await waitForScan(drydock.url, 'crash/debian', '1', 120_000, (s) => s !== 'PENDING')
    assert.equal(running['imageScanStatus'].status, 'IN_PROGRESS', 'the scan must still be running when the server is killed')
    const oldPid = drydock.pid()
    await drydock.kill()
    await drydock.restart()
    assert.notEqual(drydock.pid(), oldPid)
    const done = await waitForScan(drydock.url, 'crash/debian', '1')
    assert.equal(done['imageScanStatus'].status, 'COMPLETE', JSON.stringify(done['imageScanStatus']))
    assert.deepEqual([...new Set(idsAndPackages(done).map(([id]) => id))].sort(), DEBIAN_EXPECTED.map(([id]) => id).sort())
  })

  test('a corrupt layer gives FAILED with the reason; the manifest is still served', async () => {
    const oci = new OciClient(server.drydock.url)
    const repo = 'broken/app'
    // A real gzip stream cut in half: the registry stores it (the digest is of these bytes),
    // the scanner cannot decompress it.
    const garbage = gzipSync(randomBytes(64 * 1024)).subarray(0, 32 * 1024)
    const layer = await oci.pushBlob(repo, garbage, 'application/vnd.oci.image.layer.v1.tar+gzip')
    const config = await oci.pushBlob(repo, Buffer.from(JSON.stringify({
      architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(garbage)] },
    })), 'application/vnd.oci.image.config.v1+json')
    const bytes = Buffer.from(JSON.stringify(imageManifest(config, [layer])))
    const put = await oci.putManifest(repo, 'v1', bytes)
    assert.equal(put.status, 201)
    const body = await waitForScan(server.drydock.url, repo, 'v1')
    assert.equal(body['imageScanStatus'].status, 'FAILED')
    assert.match(body['imageScanStatus'].description, /^(LAYER_CORRUPT|TAR_INVALID|TAR_TRUNCATED): \S/)
    assert.equal(body['imageScanFindings'], undefined)
    const get = await oci.request('GET', `/v2/${repo}/manifests/v1`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } })
    assert.equal(get.status, 200)
    assert.deepEqual(get.body, bytes)
    const report = await getJson(`${server.drydock.url}/api/v1/repositories/${repo}/images/v1/scan-report`)
    assert.equal(report.status, 409)
    assert.match(JSON.stringify(report.body), /FAILED/)

    // The outcome is in the audit trail (read from the server's own metadata DB, WAL allows it).
    const db = new DatabaseSync(join(server.drydock.dataDir, 'metadata.db'), { readOnly: true })
    try {
      const rows = db.prepare("SELECT actor, action, detail FROM audit_events WHERE repository = ? AND action LIKE 'scan.%'").all(repo) as Record<string, string>[]
      assert.equal(rows.length, 1, JSON.stringify(rows))
      assert.equal(rows[0]?.['actor'], 'drydock-scanner')
      assert.equal(rows[0]?.['action'], 'scan.failed')
      const detail = JSON.parse(rows[0]?.['detail'] ?? '{}') as Record<string, string>
      assert.equal(detail['digest'], put.headers.get('docker-content-digest'))
      assert.equal(detail['status'], 'FAILED')
    } finally {
      db.close()
    }
  })

  test('an artifact (not an image) is UNSUPPORTED_IMAGE', async () => {
    const oci = new OciClient(server.drydock.url)
    const pushed = await oci.pushImage('art/sbom', { artifactType: 'application/spdx+json', emptyConfig: true, tag: 'sbom' })
    const body = await waitForScan(server.drydock.url, 'art/sbom', pushed.digest)
    assert.equal(body['imageScanStatus'].status, 'UNSUPPORTED_IMAGE', JSON.stringify(body['imageScanStatus']))
    assert.match(body['imageScanStatus'].description, /not a container image: config media type application\/vnd\.oci\.empty\.v1\+json/)
  })
})
