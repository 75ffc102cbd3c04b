// Matching real advisory records (../shared/testdata/vulndb) against inventories taken from the
// real images described in ../shared/testdata/images/README.md. Expected findings are written
// out by hand from the records.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { OsInfo, PackageRecord, PackageType } from '../../model/package.ts'
import { VULNDB_DIR } from '../../../testkit/repo-paths.ts'
import { buildVulndbFixture, type VulndbFixture } from '../db/vulndb-fixture.ts'
import { apkScheme } from '../version/apk.ts'
import { debScheme } from '../version/deb.ts'
import { npmScheme } from '../version/npm.ts'
import { pypiScheme } from '../version/pypi.ts'
import type { VersionScheme } from '../version/scheme.ts'
import { schemeForEcosystem } from '../version/schemes.ts'
import { matchPackages } from './builtin-matchers.ts'
import type { Finding, MatchContext, MatchProblem } from './matcher.ts'

// The real comparators; the ecosystem table is consulted first, these cover it while it fills up.
const REAL_SCHEMES: Record<string, VersionScheme> = { Alpine: apkScheme, Debian: debScheme, npm: npmScheme, PyPI: pypiScheme }
const schemeFor = (eco: string): VersionScheme | undefined => schemeForEcosystem(eco) ?? REAL_SCHEMES[eco.split(':')[0] ?? '']

function pkg(type: PackageType, name: string, version: string, source?: { name: string; version?: string }): PackageRecord {
  return {
    type, name, version, purl: `pkg:${type}/${name}@${version}`, licenses: [], locations: [],
    ...(source === undefined ? {} : { sourceName: source.name }),
    ...(source?.version === undefined ? {} : { sourceVersion: source.version }),
  }
}

const BOOKWORM: OsInfo = { family: 'debian', version: '12.15', release: '12', codename: 'bookworm' }
const BULLSEYE: OsInfo = { family: 'debian', version: '11.11', release: '11', codename: 'bullseye' }
const ALPINE_319: OsInfo = { family: 'alpine', version: '3.19.4', release: '3.19' }
const ALPINE_318: OsInfo = { family: 'alpine', version: '3.18.9', release: '3.18' }
const ALPINE_320: OsInfo = { family: 'alpine', version: '3.20.3', release: '3.20' }

/** One line per finding: package@version id fixed=... severity/source. */
function summarize(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.package.name}@${f.package.version} ${f.id} ${f.status === 'fixed' ? `fixed=${[...f.fixedVersions].sort().join(',')}` : 'unfixed'} ${f.severity.level}/${f.severity.source}`)
}

let fx: VulndbFixture
let problems: MatchProblem[] = []
const ctx = (os?: OsInfo): MatchContext => ({ provider: fx.provider, schemeFor, onProblem: (p) => problems.push(p), ...(os === undefined ? {} : { os }) })

describe('matchers against the real advisory fixture', () => {
  before(async () => { fx = await buildVulndbFixture() })
  after(() => fx.close())

  test('node-app-vuln: lodash 4.17.15 and minimist 1.2.0', async () => {
    const findings = await matchPackages([pkg('npm', 'lodash', '4.17.15'), pkg('npm', 'minimist', '1.2.0')], ctx())
    assert.deepEqual(summarize(findings), [
      'lodash@4.17.15 GHSA-29mw-wpgm-hmr9 fixed=4.17.21 MEDIUM/ghsa',
      'lodash@4.17.15 GHSA-35jh-r3h4-6jhm fixed=4.17.21 HIGH/ghsa',
      'lodash@4.17.15 GHSA-p6mc-m468-83gw fixed=4.17.20 HIGH/ghsa',
      // GHSA-jf85-cpcp-j695 (fixed 4.17.12) must not match.
      'minimist@1.2.0 GHSA-vh95-rmgr-6w4m fixed=1.2.3 MEDIUM/ghsa',
      'minimist@1.2.0 GHSA-xvch-5gv4-984h fixed=1.2.6 CRITICAL/ghsa',
    ])
    const f = findings.find((x) => x.id === 'GHSA-35jh-r3h4-6jhm')
    assert.deepEqual(f?.aliases, ['CVE-2021-23337'])
    assert.equal(f?.title, 'Command Injection in lodash')
    assert.equal(f?.dataSource, 'GitHub Advisory Database')
    assert.ok(f?.references.includes('https://nvd.nist.gov/vuln/detail/CVE-2021-23337'))
    assert.deepEqual(problems, [])
  })

  test('versions exactly at the fix and other ecosystems do not match', async () => {
    const findings = await matchPackages([
      pkg('npm', 'lodash', '4.17.21'),
      pkg('npm', 'minimist', '1.2.6'),
      pkg('python', 'lodash', '4.17.15'), // same name, other ecosystem
      pkg('npm', 'urllib3', '1.26.12'),
    ], ctx())
    assert.deepEqual(summarize(findings), [])
  })

  test('python-app: PyPI packages, PEP 503 names, alias duplicates reported per advisory', async () => {
    const findings = await matchPackages([
      pkg('python', 'urllib3', '1.26.12'),
      pkg('python', 'requests', '2.28.1'),
      pkg('python', 'Jinja2', '3.1.2'),
      pkg('python', 'idna', '3.3'),
      pkg('python', 'certifi', '2022.9.24'),
    ], ctx(BOOKWORM))
    assert.deepEqual(summarize(findings), [
      'certifi@2022.9.24 PYSEC-2022-42986 fixed=2022.12.7 UNKNOWN/none',
      'certifi@2022.9.24 PYSEC-2023-135 fixed=2023.7.22 UNKNOWN/none',
      'idna@3.3 PYSEC-2024-60 fixed=3.7 HIGH/osv',
      'Jinja2@3.1.2 GHSA-h5c8-rqwp-cp95 fixed=3.1.3 MEDIUM/ghsa',
      'requests@2.28.1 GHSA-9wx4-h78v-vm56 fixed=2.32.2 MEDIUM/ghsa',
      'requests@2.28.1 GHSA-j8r2-6x86-q33q fixed=2.31.0 MEDIUM/ghsa',
      'requests@2.28.1 PYSEC-2023-74 fixed=2.31.0 UNKNOWN/none',
      // PYSEC-2018-28 (fixed 2.20.0) must not match.
      'urllib3@1.26.12 GHSA-34jh-p97f-mpxf fixed=1.26.19 MEDIUM/ghsa',
      'urllib3@1.26.12 GHSA-g4mx-q9vg-27p4 fixed=1.26.18 MEDIUM/ghsa',
      'urllib3@1.26.12 GHSA-v845-jxx5-vc9f fixed=1.26.17 MEDIUM/ghsa',
      // 8.1: CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N
      'urllib3@1.26.12 PYSEC-2023-192 fixed=1.26.17 HIGH/osv',
      // 4.2 from the record's own vector, ahead of the CNA's (GitHub_M) rating for CVE-2023-45803.
      'urllib3@1.26.12 PYSEC-2023-212 fixed=1.26.18 MEDIUM/osv',
      // PYSEC-2021-108 (fixed 1.26.5) must not match.
    ])
    const p212 = findings.find((f) => f.id === 'PYSEC-2023-212')
    assert.equal(p212?.severity.score, 4.2)
    // The branch fix only (the record also fixes 2.0.7 on the 2.x branch).
    assert.deepEqual(p212?.fixedVersions, ['1.26.18'])
  })

  test('debian-bookworm-slim: source-package matching, unfixed issues with Debian urgency', async () => {
    const findings = await matchPackages([
      pkg('deb', 'libc6', '2.36-9+deb12u14', { name: 'glibc' }),
      pkg('deb', 'apt', '2.6.2'),
      pkg('deb', 'coreutils', '9.1-1'),
      pkg('deb', 'tar', '1.34+dfsg-1.2+deb12u1'),
      pkg('deb', 'zlib1g', '1:1.2.13.dfsg-1', { name: 'zlib' }),
      pkg('deb', 'libssl3', '3.0.22-1~deb12u2', { name: 'openssl' }),
      pkg('deb', 'libexpat1', '2.5.0-1+deb12u5', { name: 'expat' }),
    ], ctx(BOOKWORM))
    assert.deepEqual(summarize(findings), [
      'apt@2.6.2 DEBIAN-CVE-2011-3374 unfixed LOW/debian',
      'coreutils@9.1-1 DEBIAN-CVE-2016-2781 unfixed LOW/debian',
      'tar@1.34+dfsg-1.2+deb12u1 DEBIAN-CVE-2005-2541 unfixed LOW/debian',
      // No [bookworm] line in the tracker: the unstable fix (with epoch) applies; no urgency given.
      'zlib1g@1:1.2.13.dfsg-1 DEBIAN-CVE-2023-45853 fixed=1:1.3.dfsg-2 UNKNOWN/none',
    ])
    const z = findings.find((f) => f.id === 'DEBIAN-CVE-2023-45853')
    assert.equal(z?.matchedName, 'zlib')
    assert.equal(z?.ecosystem, 'Debian:12')
  })

  test('older glibc/openssl on bookworm match the DSAs; the same packages on bullseye do not', async () => {
    const inventory = [
      pkg('deb', 'libc6', '2.36-9+deb12u4', { name: 'glibc', version: '2.36-9+deb12u4' }),
      pkg('deb', 'libssl3', '3.0.11-1~deb12u1', { name: 'openssl' }),
    ]
    assert.deepEqual(summarize(await matchPackages(inventory, ctx(BOOKWORM))), [
      'libc6@2.36-9+deb12u4 DSA-5673-1 fixed=2.36-9+deb12u6 UNKNOWN/none',
      'libc6@2.36-9+deb12u4 DSA-5678-1 fixed=2.36-9+deb12u7 UNKNOWN/none',
      // DSA-5514-1 (fixed 2.36-9+deb12u3) must not match.
      // The stale CVE list said <unfixed>; the DSA's fix is used (tilde sorts before the fix).
      'libssl3@3.0.11-1~deb12u1 DEBIAN-CVE-2023-5363 fixed=3.0.11-1~deb12u2 UNKNOWN/none',
      'libssl3@3.0.11-1~deb12u1 DSA-5532-1 fixed=3.0.11-1~deb12u2 UNKNOWN/none',
      'libssl3@3.0.11-1~deb12u1 DSA-5764-1 fixed=3.0.14-1~deb12u2 UNKNOWN/none',
    ])
    // Bullseye: glibc 2.36 is above every Debian:11 fix; openssl is not-affected there.
    assert.deepEqual(summarize(await matchPackages(inventory, ctx(BULLSEYE))), [])
  })

  test('binNMU suffix: the binary version +b1 is compared as its source version', async () => {
    const findings = await matchPackages([pkg('deb', 'libexpat1', '2.5.0-1+b1', { name: 'expat' })], ctx(BOOKWORM))
    assert.deepEqual(summarize(findings), ['libexpat1@2.5.0-1+b1 DSA-5770-1 fixed=2.5.0-1+deb12u1 UNKNOWN/none'])
    assert.equal(findings[0]?.installedVersion, '2.5.0-1')
  })

  test('alpine: origin-package matching per branch (3.19 is not 3.18 or 3.20)', async () => {
    const inventory = [
      pkg('apk', 'busybox', '1.36.1-r15', { name: 'busybox' }),
      pkg('apk', 'libssl3', '3.1.4-r2', { name: 'openssl' }),
    ]
    assert.deepEqual(summarize(await matchPackages(inventory, ctx(ALPINE_319))), [
      'busybox@1.36.1-r15 ALPINE-CVE-2023-42363 fixed=1.36.1-r17 UNKNOWN/none',
      'busybox@1.36.1-r15 ALPINE-CVE-2023-42364 fixed=1.36.1-r19 UNKNOWN/none',
      'busybox@1.36.1-r15 ALPINE-CVE-2023-42365 fixed=1.36.1-r19 UNKNOWN/none',
      'busybox@1.36.1-r15 ALPINE-CVE-2023-42366 fixed=1.36.1-r16 UNKNOWN/none',
      'busybox@1.36.1-r15 ALPINE-CVE-2024-58251 fixed=1.36.1-r21 UNKNOWN/none',
      'busybox@1.36.1-r15 ALPINE-CVE-2025-46394 fixed=1.36.1-r21 UNKNOWN/none',
      'libssl3@3.1.4-r2 ALPINE-CVE-2023-6129 fixed=3.1.4-r3 UNKNOWN/none',
      'libssl3@3.1.4-r2 ALPINE-CVE-2023-6237 fixed=3.1.4-r4 UNKNOWN/none',
    ])
    // v3.18 fixed busybox in r6/r7, so r15 is clean there; openssl's v3.18 fixes are the same versions.
    assert.deepEqual(summarize(await matchPackages(inventory, ctx(ALPINE_318))), [
      'libssl3@3.1.4-r2 ALPINE-CVE-2023-6129 fixed=3.1.4-r3 UNKNOWN/none',
      'libssl3@3.1.4-r2 ALPINE-CVE-2023-6237 fixed=3.1.4-r4 UNKNOWN/none',
    ])
    assert.deepEqual(summarize(await matchPackages(inventory, ctx(ALPINE_320))), [])
    // The real alpine-3.19.4 image: busybox 1.36.1-r19 is exactly at the 42364/42365 fix (no
    // match) but below r21; libssl3 3.1.7-r0 is past every openssl fix.
    assert.deepEqual(summarize(await matchPackages([pkg('apk', 'busybox', '1.36.1-r19', { name: 'busybox' }), pkg('apk', 'libssl3', '3.1.7-r0', { name: 'openssl' })], ctx(ALPINE_319))), [
      'busybox@1.36.1-r19 ALPINE-CVE-2024-58251 fixed=1.36.1-r21 UNKNOWN/none',
      'busybox@1.36.1-r19 ALPINE-CVE-2025-46394 fixed=1.36.1-r21 UNKNOWN/none',
    ])
  })

  test('OS packages without OsInfo, and unknown versions, produce no findings but report problems', async () => {
    problems = []
    assert.deepEqual(await matchPackages([pkg('apk', 'busybox', '1.36.1-r15')], ctx()), [])
    assert.deepEqual(await matchPackages([pkg('npm', 'lodash', 'not a version')], ctx()), [])
    assert.equal(problems.length, 1)
    assert.match(problems[0]?.reason ?? '', /not a valid/)
  })
})

test('a withdrawn advisory never matches', async () => {
  const extra = mkdtempSync(join(tmpdir(), 'drydock-withdrawn-'))
  const rec = JSON.parse(readFileSync(join(VULNDB_DIR, 'npm', 'GHSA-35jh-r3h4-6jhm.json'), 'utf8')) as Record<string, unknown>
  writeFileSync(join(extra, 'GHSA-35jh-r3h4-6jhm.json'), JSON.stringify({ ...rec, modified: '2030-01-01T00:00:00Z', withdrawn: '2030-01-01T00:00:00Z' }))
  const f = await buildVulndbFixture({ extraOsvDir: extra })
  try {
    const findings = await matchPackages([pkg('npm', 'lodash', '4.17.15')], { provider: f.provider, schemeFor })
    assert.deepEqual(findings.map((x) => x.id), ['GHSA-29mw-wpgm-hmr9', 'GHSA-p6mc-m468-83gw'])
  } finally {
    f.close()
    rmSync(extra, { recursive: true, force: true })
  }
})
