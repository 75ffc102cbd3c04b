// The findings API with access control on (docs/scan-on-push.md, docs/auth.md): reading scan
// findings, the report and the SBOM needs pull on the repository, starting a scan or a
// repository rescan needs push. Real parts over inject(): SQLite, the scan worker, an advisory
// DB built from the shared records, and a real gzip'd tar layer holding a vulnerable npm package.
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { DEFAULT_CONFIG } from '../../src/registry/config/config.ts'
import { DEFAULT_SCANNING } from '../../src/registry/scanning/scanning-config.ts'
import { startFixture, type RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'
import { tarBytes } from '../../src/scanner/image/testing/tar-writer.ts'
import { buildVulndbFixture, type VulndbFixture } from '../../src/scanner/vuln/db/vulndb-fixture.ts'
import { ADMIN, admin, api, basic, bearer, errorCode } from './auth-fixture.ts'

const alice = { user: 'alice', secret: 'alice-password-long-1' } // write on acme/*
const carol = { user: 'carol', secret: 'carol-password-long-1' } // read on acme/app
const bob = { user: 'bob', secret: 'bob-password-long-22' } // nothing on acme

/** Pushes a one-layer image whose layer holds node_modules/minimist 1.2.0 (two shared GHSAs). */
async function pushVulnerableImage(app: FastifyInstance, repo: string, tag: string, authorization: string): Promise<void> {
  const pkg = JSON.stringify({ name: 'minimist', version: '1.2.0', license: 'MIT' })
  const tar = tarBytes([{ name: 'app/node_modules/minimist/package.json', data: pkg }])
  const layer = gzipSync(tar)
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(tar)] } })
  for (const blob of [Buffer.from(config), layer]) {
    const res = await app.inject({
      method: 'POST', url: `/v2/${repo}/blobs/uploads/?digest=${digestOf(blob)}`, payload: blob,
      headers: { authorization, 'content-type': 'application/octet-stream' },
    })
    assert.equal(res.statusCode, 201, res.body)
  }
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: digestOf(config), size: Buffer.byteLength(config) },
    layers: [{ mediaType: MediaType.ociLayerGzip, digest: digestOf(layer), size: layer.length }],
  })
  const put = await app.inject({ method: 'PUT', url: `/v2/${repo}/manifests/${tag}`, payload: manifest, headers: { authorization, 'content-type': MediaType.ociManifest } })
  assert.equal(put.statusCode, 201, put.body)
}

const BASE = '/api/v1/repositories/acme/app'
const READS = [`${BASE}/images/v1/scan-findings`, `${BASE}/images/v1/scan-report`, `${BASE}/images/v1/sbom`]
const SCANS = [`${BASE}/images/v1/scan`, `${BASE}/scan`]

describe('findings API with access control on (inject)', { timeout: 180_000 }, () => {
  let fx: RegistryFixture
  let vulndb: VulndbFixture
  const as = (creds: { user: string; secret: string } | undefined, method: 'GET' | 'POST', url: string): Promise<LightMyRequestResponse> =>
    fx.app.inject({ method, url, headers: creds ? { authorization: basic(creds.user, creds.secret) } : {} })

  before(async () => {
    vulndb = await buildVulndbFixture()
    fx = await startFixture({
      auth: { ...DEFAULT_CONFIG.auth, mode: 'on', bootstrapAdmin: ADMIN, lockoutThreshold: 100 },
      scanning: { ...DEFAULT_SCANNING, scanOnPush: true, advisoryDb: vulndb.path },
    })
    await fx.app.ready()
    for (const u of [alice, bob, carol]) await api(fx.app, admin, 'POST', '/api/v1/users', { name: u.user, password: u.secret })
    await api(fx.app, admin, 'POST', '/api/v1/orgs', { name: 'acme' })
    for (const [team, user, target, role] of [['devs', 'alice', 'acme/*', 'write'], ['readers', 'carol', 'acme/app', 'read']] as const) {
      await api(fx.app, admin, 'POST', '/api/v1/orgs/acme/teams', { name: team })
      await api(fx.app, admin, 'PUT', `/api/v1/orgs/acme/teams/${team}/members/${user}`)
      await api(fx.app, admin, 'PUT', `/api/v1/orgs/acme/teams/${team}/grants`, { target, role })
    }
    await pushVulnerableImage(fx.app, 'acme/app', 'v1', await bearer(fx.app, alice, 'repository:acme/app:pull,push'))
    // Scan on push runs in the app's worker; wait for its final status (as the pusher).
    const deadline = Date.now() + 120_000
    for (;;) {
      const res = await as(alice, 'GET', READS[0] as string)
      const status = res.statusCode === 200 ? (JSON.parse(res.body) as { imageScanStatus: { status: string } }).imageScanStatus.status : 'none'
      if (status === 'COMPLETE') break
      assert.ok(!['FAILED', 'UNSUPPORTED_IMAGE'].includes(status), res.body)
      if (Date.now() > deadline) assert.fail(`scan not complete in time: ${res.statusCode} ${res.body}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  })
  after(async () => {
    await fx?.close()
    vulndb?.close()
  })

  it('anonymous reads get 401 with a challenge', async () => {
    for (const url of READS) {
      const res = await as(undefined, 'GET', url)
      assert.equal(res.statusCode, 401, url)
      assert.equal(errorCode(res), 'UNAUTHORIZED')
      assert.match(String(res.headers['www-authenticate']), /^Basic realm="drydock"/, url)
    }
  })

  it('a logged-in user without access gets 403 DENIED on reads and scans', async () => {
    for (const [method, url] of [...READS.map((u) => ['GET', u] as const), ...SCANS.map((u) => ['POST', u] as const)]) {
      const res = await as(bob, method, url)
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`)
      assert.equal(errorCode(res), 'DENIED')
      assert.ok(!res.body.includes('GHSA-'), 'no finding leaks in a denial')
    }
  })

  it('a read grant reads findings, report and SBOM (200) but cannot start scans (403)', async () => {
    const findings = await as(carol, 'GET', READS[0] as string)
    assert.equal(findings.statusCode, 200)
    const names = (JSON.parse(findings.body) as { imageScanFindings: { findings: Array<{ name: string }> } }).imageScanFindings.findings.map((f) => f.name)
    assert.ok(names.includes('GHSA-xvch-5gv4-984h'), `minimist finding expected, got ${names.join(', ')}`)
    const report = await as(carol, 'GET', READS[1] as string)
    assert.equal(report.statusCode, 200, report.body)
    assert.match(report.body, /GHSA-xvch-5gv4-984h/)
    const sbom = await as(carol, 'GET', READS[2] as string)
    assert.equal(sbom.statusCode, 200, sbom.body)
    assert.equal((JSON.parse(sbom.body) as { bomFormat: string }).bomFormat, 'CycloneDX')
    assert.match(sbom.body, /pkg:npm\/minimist@1\.2\.0/)
    for (const url of SCANS) {
      const res = await as(carol, 'POST', url)
      assert.equal(res.statusCode, 403, `${url}: ${res.body}`)
      assert.equal(errorCode(res), 'DENIED')
    }
  })

  it('anonymous scans get 401; push rights start a scan and a rescan (202)', async () => {
    for (const url of SCANS) assert.equal((await as(undefined, 'POST', url)).statusCode, 401, url)
    for (const url of SCANS) assert.equal((await as(alice, 'POST', url)).statusCode, 202, url)
  })

  it('a personal access token limited to pull reads but cannot scan', async () => {
    const pat = await api<{ token: string }>(fx.app, alice, 'POST', '/api/v1/tokens', { actions: ['pull'], targets: ['acme/app'], expiresIn: 3600 })
    const t = { user: 'alice', secret: pat.token }
    assert.equal((await as(t, 'GET', READS[0] as string)).statusCode, 200)
    assert.equal((await as(t, 'POST', SCANS[0] as string)).statusCode, 403)
  })
})
