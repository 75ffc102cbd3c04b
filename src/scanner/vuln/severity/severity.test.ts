import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { requireTestdata, VULNDB_DIR } from '../../../testkit/repo-paths.ts'
import type { OsvRecord } from '../osv.ts'
import { parseCve5, parseNvd } from '../sources/cve-severity-source.ts'
import { scoreCvss } from './cvss-score.ts'
import { levelFromScore, levelFromVendorWord } from './severity-level.ts'
import { selectSeverity } from './select-severity.ts'

const sev = (rel: string): unknown => {
  requireTestdata()
  return JSON.parse(readFileSync(join(VULNDB_DIR, 'severity-sources', rel), 'utf8'))
}
const record = (rel: string): OsvRecord => JSON.parse(readFileSync(join(VULNDB_DIR, rel), 'utf8')) as OsvRecord

test('CVSS v2, v3.0, v3.1 and v4.0 vectors are scored; incomplete or bogus vectors are not', () => {
  const cases: Array<[string, number, string]> = [
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5, 'HIGH'],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'CRITICAL'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L', 5.3, 'MEDIUM'],
    ['CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N', 4.2, 'MEDIUM'],
    ['CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N', 0, 'NONE'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3, 'CRITICAL'],
  ]
  for (const [vector, score, level] of cases) {
    const s = scoreCvss(vector)
    assert.equal(s?.score, score, vector)
    assert.equal(s?.level, level, vector)
  }
  for (const bad of ['CVSS:3.1/AV:N', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:Q', 'bogus', '', `CVSS:3.1/${'AV:N/'.repeat(200)}`]) {
    assert.equal(scoreCvss(bad), undefined, bad)
  }
})

test('score bands and vendor words', () => {
  assert.equal(levelFromScore(9.0, '3.1'), 'CRITICAL')
  assert.equal(levelFromScore(8.9, '3.1'), 'HIGH')
  assert.equal(levelFromScore(10, '2.0'), 'HIGH')
  assert.equal(levelFromScore(3.9, '4.0'), 'LOW')
  assert.deepEqual(['MODERATE', 'unimportant', 'low*', 'Important', 'negligible', 'not yet assigned', 'untriaged'].map(levelFromVendorWord),
    ['MEDIUM', 'LOW', 'LOW', 'HIGH', 'LOW', 'UNKNOWN', 'UNKNOWN'])
})

test('NVD and CVE JSON 5 documents become CVE severity rows', () => {
  assert.deepEqual(parseNvd(sev('nvd/CVE-2024-3094.json')), [
    { cve: 'CVE-2024-3094', source: 'nvd', type: 'CVSS_V3', value: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' },
  ])
  const log4shell = parseCve5(sev('cve5/CVE-2021-44228.json'))
  assert.deepEqual(log4shell.find((r) => r.source === 'cna:apache'), { cve: 'CVE-2021-44228', source: 'cna:apache', type: 'rating', value: 'critical' })
  assert.deepEqual(log4shell.find((r) => r.source === 'adp:CISA-ADP' && r.type === 'CVSS_V3')?.value, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')
  assert.deepEqual(parseCve5(sev('cve5/CVE-2024-3094.json')).find((r) => r.type === 'rating'), { cve: 'CVE-2024-3094', source: 'cna:redhat', type: 'rating', value: 'Critical' })
  assert.deepEqual(parseCve5(sev('cve5/CVE-2023-45803.json')).map((r) => [r.source, r.value]), [['cna:GitHub_M', 'CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N']])
})

test('precedence for OS packages: distribution rating, then NVD, then the advisory, then CNA/ADP', () => {
  const xzNvd = parseNvd(sev('nvd/CVE-2024-3094.json'))
  const xzCve5 = parseCve5(sev('cve5/CVE-2024-3094.json'))
  const deb = (urgency: string): OsvRecord => ({
    id: 'DEBIAN-CVE-2024-3094', modified: '2026-11-22T00:00:00Z', upstream: ['CVE-2024-3094'],
    affected: [{ package: { ecosystem: 'Debian:12', name: 'xz-utils' }, ecosystem_specific: { urgency } }],
  })
  const d = deb('low*')
  assert.deepEqual(selectSeverity({ record: d, ...(d.affected?.[0] === undefined ? {} : { affected: d.affected[0] }), osFamily: 'debian', cveSeverities: xzNvd }), { level: 'LOW', source: 'debian' })
  const n = deb('not yet assigned')
  assert.deepEqual(selectSeverity({ record: n, ...(n.affected?.[0] === undefined ? {} : { affected: n.affected[0] }), osFamily: 'debian', cveSeverities: [...xzCve5, ...xzNvd] }),
    { level: 'CRITICAL', source: 'nvd', score: 10, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' })
  // Alpine publishes no rating of its own.
  const alpine = record('Alpine/derived-osv/ALPINE-CVE-2023-5363.json')
  assert.equal(selectSeverity({ record: alpine, osFamily: 'alpine', cveSeverities: xzNvd }).source, 'nvd')
  assert.deepEqual(selectSeverity({ record: alpine, osFamily: 'alpine', cveSeverities: [] }), { level: 'UNKNOWN', source: 'none' })
  // Red Hat family: the CNA (Red Hat) severity rating is the distribution's own.
  assert.deepEqual(selectSeverity({ record: deb('x'), osFamily: 'rocky', cveSeverities: [...xzNvd, ...xzCve5] }), { level: 'CRITICAL', source: 'redhat' })
})

test('precedence for language packages: GHSA, then NVD, then the advisory, then CNA/ADP', () => {
  const log4shell = parseCve5(sev('cve5/CVE-2021-44228.json'))
  const ghsa = record('Maven/GHSA-jfh8-c2jp-5v3q.json')
  assert.deepEqual(selectSeverity({ record: ghsa, cveSeverities: log4shell }), { level: 'CRITICAL', source: 'ghsa' })
  // Empty top-level severity array: the GHSA word alone decides.
  assert.deepEqual(selectSeverity({ record: record('npm/GHSA-wf5p-g6vw-rhxx.json'), cveSeverities: [] }), { level: 'MEDIUM', source: 'ghsa' })
  const bare: OsvRecord = { id: 'TEST-2021-1', modified: '2026-01-01T00:00:00Z', aliases: ['CVE-2021-44228'] }
  assert.deepEqual(selectSeverity({ record: bare, cveSeverities: log4shell }), { level: 'CRITICAL', source: 'cna:apache' })
  assert.deepEqual(selectSeverity({ record: bare, cveSeverities: log4shell.filter((r) => r.source.startsWith('adp:')) }),
    { level: 'CRITICAL', source: 'adp:CISA-ADP', score: 10, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' })
  // PYSEC record: own vector (4.2) before the CNA's.
  const p = record('PyPI/PYSEC-2023-212.json')
  assert.deepEqual(selectSeverity({ record: p, cveSeverities: parseCve5(sev('cve5/CVE-2023-45803.json')) }),
    { level: 'MEDIUM', source: 'osv', score: 4.2, vector: 'CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N' })
})
