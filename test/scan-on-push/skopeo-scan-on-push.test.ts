// Scan on push through a real client: skopeo pushes the shared images into a real `drydock serve`
// (scan on push on, advisory DB built from the shared records); the findings API must report
// COMPLETE with the hand-checked advisories, per-repository settings must be honoured, and the
// full report, SBOM, manual scan and repository rescan must work.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { DEBIAN_EXPECTED, findingsUrl, getJson, idsAndPackages, NPM_EXPECTED, startScanServer, waitForScan, type Json, type ScanServer } from './scan-on-push-fixture.ts'

requireTestdata()

describe('scan on push with skopeo', { timeout: 600_000 }, () => {
  let server: ScanServer
  let skopeo: Skopeo
  let base: string

  before(async () => {
    skopeo = await createSkopeo()
    server = await startScanServer({ repositories: { 'noscan': false } })
    base = server.drydock.url
  })
  after(async () => {
    await server?.close()
    await skopeo?.dispose()
  })

  const push = (image: string, ref: string, dest: string, all = false) =>
    skopeo.copy(`oci:${join(IMAGES_DIR, image)}:${ref}`, `docker://${server.drydock.host}/${dest}`, all ? { all: true } : {})

  test('node-app-vuln: COMPLETE with the lodash/minimist GHSAs, in the ECR shape', async () => {
    await push('node-app-vuln', '1.0.0', 'team/node-app:1.0.0')
    const body = await waitForScan(base, 'team/node-app', '1.0.0')
    assert.equal(body['imageScanStatus'].status, 'COMPLETE', JSON.stringify(body))
    assert.equal(body['repositoryName'], 'team/node-app')
    assert.equal(body['imageId'].imageTag, '1.0.0')
    assert.match(body['imageId'].imageDigest, /^sha256:[a-f0-9]{64}$/)
    const f = body['imageScanFindings'] as Json
    assert.deepEqual(idsAndPackages(body).sort(), NPM_EXPECTED.map(([id, p]) => [id, p]).sort())
    assert.deepEqual(f['findingSeverityCounts'], { CRITICAL: 1, HIGH: 2, MEDIUM: 2 })
    assert.equal(f['findings'][0].severity, 'CRITICAL')
    const lodash = (f['findings'] as Json[]).find((x) => x['name'] === 'GHSA-p6mc-m468-83gw') as Json
    assert.deepEqual(lodash['attributes'].filter((a: Json) => ['package_version', 'fixed_version'].includes(a['key'])),
      [{ key: 'package_version', value: '4.17.15' }, { key: 'fixed_version', value: '4.17.20' }])
    assert.match(lodash['uri'], /^https:\/\//)
    assert.match(f['imageScanCompletedAt'], /^\d{4}-\d\d-\d\dT/)
    assert.equal(f['vulnerabilitySourceUpdatedAt'], '2026-11-22T00:00:00.000Z')

    // Pagination: 2 + 2 + 1, each token valid only for this digest.
    const pages: string[] = []
    let token: string | undefined
    do {
      const r = await getJson(`${findingsUrl(base, 'team/node-app', '1.0.0')}?maxResults=2${token ? `&nextToken=${token}` : ''}`)
      assert.equal(r.status, 200)
      pages.push(...(r.body['imageScanFindings'].findings as Json[]).map((x) => x['name'] as string))
      token = r.body['nextToken']
    } while (token)
    assert.deepEqual(pages.sort(), NPM_EXPECTED.map(([id]) => id).sort())
    assert.equal((await getJson(`${findingsUrl(base, 'team/node-app', '1.0.0')}?nextToken=garbage`)).status, 400)
    assert.equal((await getJson(`${findingsUrl(base, 'team/node-app', '1.0.0')}?maxResults=0`)).status, 400)

    // The full report (scanner + advisory versions) and the SBOM, by digest.
    const digest = body['imageId'].imageDigest as string
    const report = await getJson(`${base}/api/v1/repositories/team/node-app/images/${digest}/scan-report`)
    assert.equal(report.status, 200)
    assert.equal(report.body['digest'], digest)
    assert.match(report.body['scannerVersion'], /^\d+\.\d+\.\d+/)
    assert.equal(report.body['advisoryVersion'], '2026-11-22T00:00:00.000Z')
    assert.equal(report.body['images'].length, 1)
    // The stored report is the full one (every scanner); the vulnerabilities are the ECR findings.
    const stored = report.body['images'][0].report
    assert.deepEqual(stored.scanners, ['vuln', 'secret', 'misconfig'])
    assert.deepEqual(stored.countsByKind.vulnerability, { UNKNOWN: 0, LOW: 0, MEDIUM: 2, HIGH: 2, CRITICAL: 1 })
    assert.ok((stored.findings as Json[]).some((x) => x['kind'] === 'misconfig'), 'misconfigurations are in the stored report')
    const sbom = await getJson(`${base}/api/v1/repositories/team/node-app/images/1.0.0/sbom`)
    assert.equal(sbom.status, 200)
    assert.equal(sbom.body['bomFormat'], 'CycloneDX')
    const names = (sbom.body['components'] as Json[]).map((c) => c['name'])
    assert.ok(names.includes('lodash') && names.includes('minimist'), names.join(','))
  })

  test('node-app-on-debian and debian-bookworm-slim: Debian records and the npm GHSAs', async () => {
    await push('debian-bookworm-slim', 'bookworm-slim', 'base/debian:bookworm-slim')
    await push('node-app-on-debian', '1.0.0', 'team/node-app-on-debian:1.0.0')
    const deb = await waitForScan(base, 'base/debian', 'bookworm-slim')
    assert.equal(deb['imageScanStatus'].status, 'COMPLETE', JSON.stringify(deb['imageScanStatus']))
    const debPairs = idsAndPackages(deb)
    assert.deepEqual([...new Set(debPairs.map(([id]) => id))].sort(), DEBIAN_EXPECTED.map(([id]) => id).sort())
    for (const [id, pkg] of DEBIAN_EXPECTED) assert.ok(debPairs.some(([i, p]) => i === id && p === pkg), `${id} on ${pkg}`)

    const app = await waitForScan(base, 'team/node-app-on-debian', '1.0.0')
    assert.equal(app['imageScanStatus'].status, 'COMPLETE')
    const ids = new Set(idsAndPackages(app).map(([id]) => id))
    assert.deepEqual([...ids].sort(), [...NPM_EXPECTED.map(([id]) => id), ...DEBIAN_EXPECTED.map(([id]) => id)].sort())
  })

  test('a repository with scanOnPush off is not scanned until asked; a rescan re-queues it', async () => {
    await push('node-app-vuln', '1.0.0', 'noscan/app:1')
    const none = await getJson(findingsUrl(base, 'noscan/app', '1'))
    assert.equal(none.status, 404, JSON.stringify(none.body))
    const res = await fetch(`${base}/api/v1/repositories/noscan/app/images/1/scan`, { method: 'POST' })
    assert.equal(res.status, 202)
    assert.match((await res.json() as Json)['imageScanStatus'].status, /^(PENDING|IN_PROGRESS|COMPLETE)$/)
    const done = await waitForScan(base, 'noscan/app', '1')
    assert.equal(done['imageScanStatus'].status, 'COMPLETE')
    const rescan = await fetch(`${base}/api/v1/repositories/noscan/app/scan`, { method: 'POST' })
    assert.equal(rescan.status, 202)
    assert.equal((await rescan.json() as Json)['queued'], 1)
    assert.equal((await waitForScan(base, 'noscan/app', '1'))['imageScanStatus'].status, 'COMPLETE')
    const missing = await getJson(findingsUrl(base, 'noscan/app', 'nope'))
    assert.equal(missing.status, 404)
  })

  test('an image index: every platform is scanned and the index reports them all', async () => {
    await push('multiarch-busybox', '1', 'team/multi:1', true)
    const idx = await waitForScan(base, 'team/multi', '1')
    assert.equal(idx['imageScanStatus'].status, 'COMPLETE', JSON.stringify(idx['imageScanStatus']))
    const report = await getJson(`${base}/api/v1/repositories/team/multi/images/1/scan-report`)
    assert.deepEqual((report.body['images'] as Json[]).map((i) => i['platform']).sort(), ['linux/amd64', 'linux/arm64'])
  })
})
