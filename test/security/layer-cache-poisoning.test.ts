// Security issue #12, hole 2: the layer analysis cache trusted the diff_ids an image config
// declares. Over real HTTP, against a real server with scan on push and access control:
//  - a vulnerable, secret-bearing layer pushed with a config naming the diff_id of a clean layer
//    already analysed elsewhere must not scan COMPLETE-clean;
//  - a user without any right on acme/* who pushes a tiny layer with a config naming the diff_id
//    of a layer in acme/private-app must not read that layer's packages or secret findings
//    through the scan report or SBOM of their own repository;
//  - a blob digest alone (a manifest naming acme's layer blob) is refused at manifest PUT.
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { tarBytes } from '../../src/scanner/image/testing/tar-writer.ts'
import { ADMIN, apiGet, createUser, fakeAwsKeys, PushClient, startAttackServer, waitForFinalScan, type AttackServer, type Credentials } from './layer-attack-helpers.ts'

const mallory: Credentials = { user: 'mallory', secret: 'mallory-password-long-1' }

/** A layer with node_modules/minimist 1.2.0 (known GHSAs in the shared advisory data) and AWS keys. */
function vulnerableTar(secretFile: string): Buffer {
  return tarBytes([
    { name: 'app/node_modules/minimist/package.json', data: JSON.stringify({ name: 'minimist', version: '1.2.0', license: 'MIT' }) },
    { name: secretFile, data: fakeAwsKeys(3, 42) },
  ])
}

const cleanTar = tarBytes([{ name: 'app/hello.txt', data: 'hello, nothing to see here\n' }])

describe('hole 2: layer cache keyed by what a config claims', { timeout: 600_000 }, () => {
  let server: AttackServer
  let base: string

  before(async () => {
    server = await startAttackServer()
    base = server.drydock.url
    await createUser(base, mallory)
    const org = await fetch(`${base}/api/v1/orgs`, {
      method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.secret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'acme' }),
    })
    assert.equal(org.status, 201, await org.text())
  })
  after(async () => {
    await server?.close()
  })

  test('a vulnerable layer whose config claims a clean, already analysed diff_id is not reported clean', async () => {
    // The clean layer, pushed and scanned in mallory's own repository.
    const own = await PushClient.login(base, mallory, 'mallory/base')
    const clean = await own.pushBlob(gzipSync(cleanTar), MediaType.ociLayerGzip)
    assert.equal((await own.putManifest('v1', await own.pushConfig([digestOf(cleanTar)]), [clean])).status, 201)
    const first = await waitForFinalScan(base, mallory, 'mallory/base', 'v1')
    assert.equal(first['imageScanStatus'].status, 'COMPLETE', JSON.stringify(first['imageScanStatus']))

    // The vulnerable layer under a config that names the clean layer's diff_id.
    const tar = vulnerableTar('app/.env')
    const app = await PushClient.login(base, mallory, 'mallory/app')
    const evil = await app.pushBlob(gzipSync(tar), MediaType.ociLayerGzip)
    assert.equal((await app.putManifest('v1', await app.pushConfig([digestOf(cleanTar)]), [evil])).status, 201)
    const scan = await waitForFinalScan(base, mallory, 'mallory/app', 'v1')
    const status = scan['imageScanStatus']
    assert.notEqual(status.status, 'COMPLETE', `a layer that does not match its diff_id scanned COMPLETE: ${JSON.stringify(scan).slice(0, 600)}`)
    assert.equal(status.status, 'FAILED')
    assert.match(status.description, /^DIGEST_MISMATCH: .*diff_id/)
    const report = await apiGet(base, mallory, 'mallory/app/images/v1/scan-report')
    assert.equal(report.status, 409, 'no report for a failed scan')
  })

  test("a tiny layer claiming the diff_id of acme's private layer does not reveal its findings", async () => {
    // acme/private-app: a layer with a vulnerable package and secrets, scanned on push.
    const secretFile = 'srv/acme-internal/prod-credentials.env'
    const privateTar = vulnerableTar(secretFile)
    const acme = await PushClient.login(base, ADMIN, 'acme/private-app')
    const privateLayer = await acme.pushBlob(gzipSync(privateTar), MediaType.ociLayerGzip)
    assert.equal((await acme.putManifest('v1', await acme.pushConfig([digestOf(privateTar)]), [privateLayer])).status, 201)
    const acmeScan = await waitForFinalScan(base, ADMIN, 'acme/private-app', 'v1')
    assert.equal(acmeScan['imageScanStatus'].status, 'COMPLETE', JSON.stringify(acmeScan['imageScanStatus']))
    const acmeReport = await apiGet(base, ADMIN, 'acme/private-app/images/v1/scan-report')
    assert.ok(acmeReport.text.includes(secretFile) && acmeReport.text.includes('minimist'), 'the private layer has findings to leak')

    // Mallory has no right on acme/*.
    assert.equal((await apiGet(base, mallory, 'acme/private-app/images/v1/scan-report')).status, 403)

    const spy = await PushClient.login(base, mallory, 'mallory/spy')
    const tiny = tarBytes([{ name: 'x', data: 'x' }])
    const tinyLayer = await spy.pushBlob(gzipSync(tiny), MediaType.ociLayerGzip)
    const config = await spy.pushConfig([digestOf(privateTar)])
    // The blob digest alone does not help: the manifest PUT wants blobs linked in mallory/spy.
    const byDigest = await spy.putManifest('direct', config, [privateLayer])
    assert.notEqual(byDigest.status, 201, byDigest.text)
    assert.match(byDigest.text, /MANIFEST_BLOB_UNKNOWN/)

    assert.equal((await spy.putManifest('v1', config, [tinyLayer])).status, 201)
    const scan = await waitForFinalScan(base, mallory, 'mallory/spy', 'v1')
    const leaked = (text: string): boolean => text.includes(secretFile) || text.includes('minimist') || text.includes('aws-access-key-id')
    assert.ok(!leaked(JSON.stringify(scan)), `scan-findings leaks acme's layer: ${JSON.stringify(scan).slice(0, 600)}`)
    for (const what of ['scan-report', 'sbom']) {
      const r = await apiGet(base, mallory, `mallory/spy/images/v1/${what}`)
      assert.ok(!leaked(r.text), `${what} of mallory/spy leaks acme's layer: ${r.text.slice(0, 600)}`)
    }
    assert.notEqual(scan['imageScanStatus'].status, 'COMPLETE')
    assert.match(scan['imageScanStatus'].description, /^DIGEST_MISMATCH: .*diff_id/)
  })
})
