// scanImage over its seams: a hand-written inventory (InventoryProvider), the real built-in
// matchers and the real SQLite DB built from ../shared/testdata/vulndb (vulndb-fixture).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { digestOf } from '../../oci/digest.ts'
import type { PackageRecord } from '../model/package.ts'
import type { ImageInventory } from '../pipeline/analyze-image.ts'
import { buildVulndbFixture, FIXTURE_CLOCK, type VulndbFixture } from '../vuln/db/vulndb-fixture.ts'
import { vulnerabilitiesOf } from '../report/scan-report.ts'
import { imageNameOf } from './build-report.ts'
import { scanImage } from './scan-image.ts'

let db: VulndbFixture
before(async () => (db = await buildVulndbFixture()))
after(() => db.close())

const manifestDigest = digestOf('manifest')
const npm = (name: string, version: string): PackageRecord => ({
  name, version, type: 'npm', purl: `pkg:npm/${name}@${version}`, licenses: [], locations: [{ path: `app/node_modules/${name}/package.json` }],
})

function inventory(packages: PackageRecord[]): ImageInventory {
  return {
    image: {
      reference: 'oci:build/app:2.1', manifestDigest, configDigest: digestOf('config'),
      config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }, layers: [],
    },
    packages, unknowns: [], layerFiles: [],
  }
}

const meta = { toolName: 'drydock', toolVersion: '0.1.0', now: new Date('2026-11-25T00:00:00Z') }

test('inventory -> matching -> gate -> report, with the DB description and image identity', async () => {
  const { report, exitCode } = await scanImage({
    inventory: async () => inventory([npm('lodash', '4.17.15'), npm('left-pad', '1.3.0')]),
    provider: db.provider,
    policy: { severities: ['HIGH', 'CRITICAL'], exitCode: 9 },
    meta,
  })
  assert.equal(exitCode, 9)
  // lodash 4.17.15: GHSA-35jh-r3h4-6jhm and GHSA-p6mc-m468-83gw are HIGH; GHSA-29mw-wpgm-hmr9 (MODERATE) is filtered out.
  const vulns = vulnerabilitiesOf(report.findings)
  assert.equal(vulns.length, report.findings.length, 'the default scanners are vuln only')
  assert.deepEqual(vulns.map((f) => `${f.id} ${f.severity} ${f.fixedVersions.join(',')}`), ['GHSA-35jh-r3h4-6jhm HIGH 4.17.21', 'GHSA-p6mc-m468-83gw HIGH 4.17.20'])
  assert.deepEqual(vulns[0]?.aliases, ['CVE-2021-23337'])
  assert.equal(vulns[0]?.package.path, 'app/node_modules/lodash/package.json')
  assert.deepEqual(report.counts, { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 2, CRITICAL: 0 })
  assert.equal(report.dataSource.updatedAt, FIXTURE_CLOCK().toISOString())
  assert.ok(report.dataSource.sources.some((s) => s.name === 'osv:npm' && s.records === 10))
  assert.deepEqual({ name: report.image.name, tag: report.image.tag, platform: report.image.platform }, { name: 'app', tag: '2.1', platform: 'linux/amd64' })
  assert.equal(report.packages.length, 2)
  assert.equal(report.generatedAt, '2026-11-25T00:00:00.000Z')
})

test('an image-level VEX statement uses the scanned manifest digest; unmatchable packages become a warning', async () => {
  const { report, exitCode } = await scanImage({
    inventory: async () => inventory([npm('minimist', '1.2.0'), npm('lodash', 'not-a-version')]),
    provider: db.provider,
    policy: {
      exitCode: 1,
      vex: [{ vulnerabilityIds: ['CVE-2021-44906', 'CVE-2020-7598'], products: [manifestDigest], subcomponents: [], status: 'not_affected', justification: 'component_not_present' }],
    },
    meta,
    warnings: ['stale'],
  })
  assert.equal(exitCode, 0)
  assert.deepEqual(report.findings, [])
  assert.deepEqual(report.ignored.map((i) => i.finding.id).sort(), ['GHSA-vh95-rmgr-6w4m', 'GHSA-xvch-5gv4-984h'])
  assert.equal(report.warnings[0], 'stale')
  assert.match(report.warnings[1] ?? '', /^1 package\(s\) could not be matched, e\.g\. lodash not-a-version/)
})

test('image names from references', () => {
  assert.deepEqual(imageNameOf('oci:images/alpine-3.19:3.19.4'), { name: 'alpine-3.19', tag: '3.19.4' })
  assert.deepEqual(imageNameOf('oci:/abs/path/layout'), { name: 'layout' })
  assert.deepEqual(imageNameOf('docker://registry.example:5000/team/app:1.0'), { name: 'team/app', tag: '1.0' })
  assert.deepEqual(imageNameOf('localhost/app@sha256:' + 'a'.repeat(64)), { name: 'app' })
  assert.deepEqual(imageNameOf('library/busybox'), { name: 'library/busybox' })
})
