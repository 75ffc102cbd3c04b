// Matching the real Maven (GHSA) and Go (GO-*) records of ../shared/testdata/vulndb against
// PackageRecords shaped as the java-archive and go-binary analyzers produce them (`group:artifact`
// names; Go module paths with `v` versions, `stdlib` at the toolchain version). Every expected
// finding below was read by hand from the records; the comments name the range that decides.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { PackageRecord, PackageType } from '../../model/package.ts'
import { buildVulndbFixture, type VulndbFixture } from '../db/vulndb-fixture.ts'
import { matchPackages } from './builtin-matchers.ts'
import type { Finding, MatchContext, MatchProblem } from './matcher.ts'

function pkg(type: PackageType, name: string, version: string, metadata?: Record<string, string>): PackageRecord {
  return { type, name, version, purl: `pkg:${type}/${name}@${version}`, licenses: [], locations: [], ...(metadata === undefined ? {} : { metadata }) }
}
const maven = (name: string, version: string): PackageRecord => pkg('java-archive', name, version)
const gomod = (name: string, version: string): PackageRecord => pkg('go-module', name, version)

/** One line per finding: package@version id fixed=... */
function summarize(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.package.name}@${f.package.version} ${f.id} ${f.status === 'fixed' ? `fixed=${[...f.fixedVersions].sort().join(',')}` : 'unfixed'}`)
}
const ids = (findings: readonly Finding[]): string[] => findings.map((f) => f.id)

let fx: VulndbFixture
let problems: MatchProblem[] = []
const ctx = (): MatchContext => ({ provider: fx.provider, onProblem: (p) => problems.push(p) })

before(async () => { fx = await buildVulndbFixture() })
after(() => fx.close())

const LOG4J = 'org.apache.logging.log4j:log4j-core'

describe('Maven: GHSA records for log4j-core, spring-beans, commons-text, snakeyaml', () => {
  test('log4j-core 2.14.1 is in all three log4j advisories, each with its branch fix', async () => {
    problems = []
    const findings = await matchPackages([maven(LOG4J, '2.14.1')], ctx())
    assert.deepEqual(summarize(findings), [
      `${LOG4J}@2.14.1 GHSA-7rjr-3q55-vv33 fixed=2.16.0`, // [2.13.0, 2.16.0)
      `${LOG4J}@2.14.1 GHSA-jfh8-c2jp-5v3q fixed=2.15.0`, // [2.13.0, 2.15.0)
      `${LOG4J}@2.14.1 GHSA-p6xc-xr62-6r2g fixed=2.17.0`, // [2.13.0, 2.17.0)
    ])
    const f = findings.find((x) => x.id === 'GHSA-jfh8-c2jp-5v3q')
    assert.deepEqual(f?.aliases, ['CVE-2021-44228'])
    assert.equal(f?.severity.level, 'CRITICAL')
    assert.equal(f?.dataSource, 'GitHub Advisory Database')
    assert.equal(findings.find((x) => x.id === 'GHSA-p6xc-xr62-6r2g')?.severity.level, 'HIGH')
    assert.deepEqual(problems, [])
  })

  test('log4j-core: exactly at a fix, between branches, and on the 2.12 branch', async () => {
    const findings = await matchPackages([
      maven(LOG4J, '2.17.0'), // exactly at p6xc's fix, past the other two
      maven(LOG4J, '2.12.4'), // in the gap between [2.4.0, 2.12.3) and [2.13.0, 2.17.0)
      maven(LOG4J, '2.16.0'), // at 7rjr's fix, still below p6xc's
      maven(LOG4J, '2.12.2'), // at the 2.12 fix of jfh8 and 7rjr, below p6xc's 2.12.3
      maven(LOG4J, '2.12.2-SNAPSHOT'), // a snapshot sorts before its release: still in all three
      maven(LOG4J, '2.3'), // below 2.3.1 (jfh8, p6xc) and 2.12.2 (7rjr)
    ], ctx())
    assert.deepEqual(summarize(findings), [
      `${LOG4J}@2.12.2 GHSA-p6xc-xr62-6r2g fixed=2.12.3`,
      `${LOG4J}@2.12.2-SNAPSHOT GHSA-7rjr-3q55-vv33 fixed=2.12.2`,
      `${LOG4J}@2.12.2-SNAPSHOT GHSA-jfh8-c2jp-5v3q fixed=2.12.2`,
      `${LOG4J}@2.12.2-SNAPSHOT GHSA-p6xc-xr62-6r2g fixed=2.12.3`,
      `${LOG4J}@2.16.0 GHSA-p6xc-xr62-6r2g fixed=2.17.0`,
      `${LOG4J}@2.3 GHSA-7rjr-3q55-vv33 fixed=2.12.2`,
      `${LOG4J}@2.3 GHSA-jfh8-c2jp-5v3q fixed=2.3.1`,
      `${LOG4J}@2.3 GHSA-p6xc-xr62-6r2g fixed=2.3.1`,
    ])
  })

  test('spring-beans: `.RELEASE` qualifiers, the gap between 5.2.20.RELEASE and 5.3.0', async () => {
    const findings = await matchPackages([
      maven('org.springframework:spring-beans', '5.2.19.RELEASE'),
      maven('org.springframework:spring-beans', '5.2.20.RELEASE'), // exactly at the fix
      maven('org.springframework:spring-beans', '5.2.20'), // `.RELEASE` is Maven's release qualifier: equal
      maven('org.springframework:spring-beans', '5.2.22.RELEASE'), // gap: >= fix, < 5.3.0
      maven('org.springframework:spring-beans', '5.3.17'),
      maven('org.springframework:spring-beans', '5.3.18'),
      maven('org.springframework:spring-webmvc', '5.3.0-RC1'), // an RC sorts before introduced 5.3.0: in the gap too
      maven('org.springframework.boot:spring-boot-starter-web', '2.6.5'),
    ], ctx())
    assert.deepEqual(summarize(findings), [
      'org.springframework:spring-beans@5.2.19.RELEASE GHSA-36p3-wjmg-h94x fixed=5.2.20.RELEASE',
      'org.springframework:spring-beans@5.3.17 GHSA-36p3-wjmg-h94x fixed=5.3.18',
      'org.springframework.boot:spring-boot-starter-web@2.6.5 GHSA-36p3-wjmg-h94x fixed=2.6.6',
    ])
    assert.equal(findings[0]?.severity.level, 'CRITICAL')
  })

  test('commons-text below `introduced`, and snakeyaml pre-releases of the fix', async () => {
    const findings = await matchPackages([
      maven('org.apache.commons:commons-text', '1.4'), // below introduced 1.5
      maven('org.apache.commons:commons-text', '1.9'),
      maven('org.apache.commons:commons-text', '1.10.0'),
      maven('org.yaml:snakeyaml', '1.33'),
      maven('org.yaml:snakeyaml', '2.0-M1'), // milestone < 2.0
      maven('org.yaml:snakeyaml', '2.0'),
      maven('org.yaml:snakeyaml', '2.0-sp1'), // service pack > release
    ], ctx())
    assert.deepEqual(summarize(findings), [
      'org.apache.commons:commons-text@1.9 GHSA-599f-7c49-w659 fixed=1.10.0',
      'org.yaml:snakeyaml@1.33 GHSA-mjmj-j48q-9wg2 fixed=2.0',
      'org.yaml:snakeyaml@2.0-M1 GHSA-mjmj-j48q-9wg2 fixed=2.0',
    ])
  })

  test('artifact name with metadata.groupId; same names in other ecosystems; names without a group', async () => {
    const findings = await matchPackages([
      pkg('java-archive', 'log4j-core', '2.16.0', { groupId: 'org.apache.logging.log4j' }),
      pkg('java-archive', 'log4j-core', '2.14.1'), // no group known: not the advisory's name
      pkg('npm', LOG4J, '2.14.1'),
      pkg('python', 'org.yaml:snakeyaml', '1.33'),
      pkg('go-module', 'org.apache.commons:commons-text', '1.9'),
    ], ctx())
    assert.deepEqual(summarize(findings), ['log4j-core@2.16.0 GHSA-p6xc-xr62-6r2g fixed=2.17.0'])
    assert.equal(findings[0]?.matchedName, LOG4J)
    assert.equal(findings[0]?.ecosystem, 'Maven')
  })
})

// stdlib records whose ranges hold v1.19.8 (Debian bookworm's go1.19.8): those fixed on the 1.19
// branch above 1.19.8, and every record whose first range is [0, fix) with a later-branch fix.
// Not: GO-2022-1144 (1.19.4), GO-2023-1571 (1.19.6), GO-2026-5942 (introduced 1.26.0-0 only).
const STDLIB_1_19_8 = [
  'GO-2023-1751 fixed=1.19.9', 'GO-2023-1752 fixed=1.19.9', 'GO-2023-1753 fixed=1.19.9',
  'GO-2023-1840 fixed=1.19.10', 'GO-2023-1878 fixed=1.19.11', 'GO-2023-1987 fixed=1.19.12',
  'GO-2023-2041 fixed=1.20.8', 'GO-2023-2043 fixed=1.20.8', 'GO-2023-2102 fixed=1.20.10',
  'GO-2023-2185 fixed=1.20.11', 'GO-2023-2186 fixed=1.20.11', 'GO-2023-2375 fixed=1.20.0',
  'GO-2023-2382 fixed=1.20.12', 'GO-2024-2598 fixed=1.21.8', 'GO-2024-2599 fixed=1.21.8',
  'GO-2024-2600 fixed=1.21.8', 'GO-2024-2609 fixed=1.21.8', 'GO-2024-2610 fixed=1.21.8',
  'GO-2024-2687 fixed=1.21.9', 'GO-2024-2887 fixed=1.21.11', 'GO-2024-2888 fixed=1.21.11',
  'GO-2024-2963 fixed=1.21.12', 'GO-2024-3105 fixed=1.22.7', 'GO-2024-3106 fixed=1.22.7',
  'GO-2024-3107 fixed=1.22.7', 'GO-2025-3373 fixed=1.22.11', 'GO-2025-3503 fixed=1.23.7',
  'GO-2026-4918 fixed=1.25.10', 'GO-2026-5026 fixed=1.25.13',
]

describe('Go: GO-* records for stdlib and golang.org/x modules', () => {
  test('stdlib at the toolchain version (go1.19.8 -> v1.19.8)', async () => {
    problems = []
    const findings = await matchPackages([gomod('stdlib', 'v1.19.8')], ctx())
    assert.deepEqual(summarize(findings), STDLIB_1_19_8.map((l) => `stdlib@v1.19.8 ${l}`))
    const f = findings.find((x) => x.id === 'GO-2023-1987')
    assert.deepEqual(f?.aliases, ['CVE-2023-29409'])
    assert.equal(f?.dataSource, 'Go Vulnerability Database')
    assert.equal(f?.title, 'Large RSA keys can cause high CPU usage in crypto/tls')
    assert.deepEqual(problems, [])
  })

  test('stdlib on later branches: at a fix, `-0` introduced bounds, and the newest line', async () => {
    const findings = await matchPackages([
      gomod('stdlib', 'v1.20.4'), // at the 1.20 fix of 1751-1753; below 1840's 1.20.5
      gomod('stdlib', 'v1.26.2'),
      gomod('stdlib', 'v1.26.6'), // exactly at 5026 and 5942's 1.26 fix
    ], ctx())
    const of = (v: string): string[] => ids(findings.filter((f) => f.package.version === v))
    assert.deepEqual(of('v1.26.2'), ['GO-2026-4918', 'GO-2026-5026', 'GO-2026-5942'])
    assert.deepEqual(of('v1.26.6'), [])
    // Not 1571 (1.20.1), 1751-1753 (1.20.4), 2375 (fixed 1.20.0, no later range), 5942.
    assert.deepEqual(of('v1.20.4'), [
      'GO-2023-1840', 'GO-2023-1878', 'GO-2023-1987', 'GO-2023-2041', 'GO-2023-2043', 'GO-2023-2102',
      'GO-2023-2185', 'GO-2023-2186', 'GO-2023-2382', 'GO-2024-2598', 'GO-2024-2599', 'GO-2024-2600',
      'GO-2024-2609', 'GO-2024-2610', 'GO-2024-2687', 'GO-2024-2887', 'GO-2024-2888', 'GO-2024-2963',
      'GO-2024-3105', 'GO-2024-3106', 'GO-2024-3107', 'GO-2025-3373', 'GO-2025-3503', 'GO-2026-4918',
      'GO-2026-5026',
    ])
    assert.equal(findings.find((f) => f.package.version === 'v1.20.4' && f.id === 'GO-2023-1987')?.fixedVersions[0], '1.20.7')
  })

  test('golang.org/x modules: releases, pseudo-versions, +incompatible, exactly at fixes', async () => {
    const findings = await matchPackages([
      gomod('golang.org/x/text', 'v0.3.7'),
      gomod('golang.org/x/text', 'v0.3.8'), // exactly at GO-2022-1059's fix
      // A pseudo-version based on v0.3.7 (so before v0.3.8): still affected.
      gomod('golang.org/x/text', 'v0.3.8-0.20220722155223-a9213eeb770e'),
      gomod('golang.org/x/text', 'v0.39.0'),
      // Build metadata does not change the order: same as v0.3.7.
      gomod('golang.org/x/text', 'v0.3.7+incompatible'),
      // GO-2022-0968's fix is itself a pseudo-version; one a month older is affected, the fix is not.
      gomod('golang.org/x/crypto', 'v0.0.0-20211108221036-ceb1ce70b4fa'),
      gomod('golang.org/x/crypto', 'v0.0.0-20211202192323-5770296d904e'),
      gomod('golang.org/x/crypto', 'v0.45.0'),
      gomod('golang.org/x/net', 'v0.55.0'), // only 5942 (fixed 0.56.0)
    ], ctx())
    assert.deepEqual(summarize(findings.filter((f) => f.package.name !== 'golang.org/x/crypto' || f.id === 'GO-2022-0968')), [
      'golang.org/x/crypto@v0.0.0-20211108221036-ceb1ce70b4fa GO-2022-0968 fixed=0.0.0-20211202192323-5770296d904e',
      'golang.org/x/net@v0.55.0 GO-2026-5942 fixed=0.56.0',
      'golang.org/x/text@v0.3.7 GO-2022-1059 fixed=0.3.8',
      'golang.org/x/text@v0.3.7 GO-2026-5970 fixed=0.39.0',
      'golang.org/x/text@v0.3.7+incompatible GO-2022-1059 fixed=0.3.8',
      'golang.org/x/text@v0.3.7+incompatible GO-2026-5970 fixed=0.39.0',
      'golang.org/x/text@v0.3.8 GO-2026-5970 fixed=0.39.0',
      'golang.org/x/text@v0.3.8-0.20220722155223-a9213eeb770e GO-2022-1059 fixed=0.3.8',
      'golang.org/x/text@v0.3.8-0.20220722155223-a9213eeb770e GO-2026-5970 fixed=0.39.0',
    ])
    const crypto = (v: string): string[] => ids(findings.filter((f) => f.package.name === 'golang.org/x/crypto' && f.package.version === v))
    const later = ['GO-2023-2402', 'GO-2024-3321', 'GO-2025-3487', 'GO-2025-4116', 'GO-2025-4134', 'GO-2025-4135']
    assert.deepEqual(crypto('v0.0.0-20211108221036-ceb1ce70b4fa'), ['GO-2022-0968', ...later])
    assert.deepEqual(crypto('v0.0.0-20211202192323-5770296d904e'), later)
    assert.deepEqual(crypto('v0.45.0'), [])
  })

  test('a main module without a version, (devel), and Go names in other ecosystems never match', async () => {
    problems = []
    const findings = await matchPackages([
      pkg('go-module', 'golang.org/x/text', '', { main: 'true' }), // the analyzer's form of (devel)
      pkg('go-module', 'golang.org/x/net', '(devel)'),
      pkg('npm', 'stdlib', '1.19.8'),
      pkg('python', 'golang.org/x/text', '0.3.7'),
      pkg('java-archive', 'golang.org/x/crypto', '0.0.1'),
    ], ctx())
    assert.deepEqual(summarize(findings), [])
    // The two unversioned modules are reported, not silently dropped.
    assert.deepEqual(problems.map((p) => p.package.version), ['', '(devel)'])
  })
})
