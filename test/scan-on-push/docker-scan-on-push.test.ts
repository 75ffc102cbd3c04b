// Scan on push with the Docker engine as the client: `docker push` of node-app-on-debian (loaded
// from the shared layout via a docker-archive) into a real `drydock serve`; the findings API,
// asked by the digest docker printed, must be COMPLETE with the Debian and npm advisories.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDockerd, type RunningDockerd } from '../../src/testkit/start-dockerd.ts'
import { DEBIAN_EXPECTED, idsAndPackages, NPM_EXPECTED, startScanServer, waitForScan, type ScanServer } from './scan-on-push-fixture.ts'

requireTestdata()

describe('scan on push with docker push', { timeout: 900_000 }, () => {
  let server: ScanServer
  let engine: RunningDockerd
  let skopeo: Skopeo
  let work: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-sop-docker-'))
    skopeo = await createSkopeo()
    server = await startScanServer()
    engine = await startDockerd({ insecureRegistries: [server.drydock.host] })
  })
  after(async () => {
    await engine?.stop()
    await server?.close()
    await skopeo?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  test('node-app-on-debian pushed by docker is scanned: COMPLETE, Debian + npm advisories', async () => {
    const image = `${server.drydock.host}/docker/node-app-on-debian:1.0.0`
    const archive = join(work, 'image.tar')
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'node-app-on-debian')}:1.0.0`, `docker-archive:${archive}:${image}`)
    await engine.docker(['load', '-i', archive])
    const push = await engine.docker(['push', image])
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(push.stdout)?.[1]
    assert.ok(digest, `no digest in docker push output:\n${push.stdout}`)
    const body = await waitForScan(server.drydock.url, 'docker/node-app-on-debian', digest)
    assert.equal(body['imageScanStatus'].status, 'COMPLETE', JSON.stringify(body['imageScanStatus']))
    assert.equal(body['imageId'].imageDigest, digest)
    const ids = [...new Set(idsAndPackages(body).map(([id]) => id))].sort()
    assert.deepEqual(ids, [...NPM_EXPECTED.map(([id]) => id), ...DEBIAN_EXPECTED.map(([id]) => id)].sort())
  })
})
