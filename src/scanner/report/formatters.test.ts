import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatterByName, REPORT_FORMATTERS } from './formatter.ts'
import { cyclonedxValidator, sarifValidator } from './testing/report-schemas.ts'
import { sampleReport } from './testing/sample-report.ts'

type Json = Record<string, any>
const now = new Date('2026-11-25T00:00:00.000Z')

test('every formatter is listed once and shows the advisory data age', () => {
  const names = REPORT_FORMATTERS.map((f) => f.name)
  assert.deepEqual(names, ['table', 'json', 'sarif', 'cyclonedx'])
  for (const f of REPORT_FORMATTERS) {
    const out = f.format(sampleReport(), { now, uuid: '3e671687-395b-41f5-a30f-a58921a69b79' })
    assert.ok(out.includes('2026-11-22T00:00:00.000Z'), `${f.name} shows updatedAt`)
  }
})

test('table: grouped by severity, highest first, with counts, the DB age line, ignored and warnings', () => {
  const out = formatterByName('table')!.format(sampleReport(), { now })
  assert.match(out, /Total: 3 \(CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 0\)/)
  assert.match(out, /Advisory DB: schema 1, updated 2026-11-22T00:00:00.000Z \(3 days ago\), sources: osv:npm/)
  const crit = out.indexOf('CRITICAL (1)')
  const high = out.indexOf('HIGH (1)')
  const med = out.indexOf('MEDIUM (1)')
  assert.ok(crit > 0 && crit < high && high < med, 'groups ordered CRITICAL, HIGH, MEDIUM')
  assert.match(out, /GHSA-29mw-wpgm-hmr9 +4\.17\.15 +\(unfixed\)/)
  assert.match(out, /Ignored \(1\)[\s\S]*GHSA-vh95-rmgr-6w4m +vex/)
  assert.match(out, /WARNING: ignore entry for CVE-1 expired/)
  assert.doesNotMatch(out, /\u001b\[/, 'no ANSI colours unless asked')
  assert.match(formatterByName('table')!.format(sampleReport(), { now, color: true }), /\u001b\[1;31mCRITICAL/)
})

test('table: control characters in advisory text never reach the terminal', () => {
  const r = sampleReport()
  const evil = { ...r, findings: [{ ...r.findings[0]!, title: 'bad\u001b]0;pwned\u0007title' }] }
  assert.doesNotMatch(formatterByName('table')!.format(evil, { now }), /\u001b\]|\u0007/)
})

test('json: the documented field names, counts and data age', () => {
  const doc = JSON.parse(formatterByName('json')!.format(sampleReport(), { now })) as Json
  assert.deepEqual(Object.keys(doc).sort(), ['counts', 'countsByKind', 'dataSource', 'findings', 'generatedAt', 'ignored', 'image', 'packageCount', 'scanners', 'schemaVersion', 'tool', 'warnings'])
  assert.equal(doc['dataSource'].dataAge, '3 days')
  assert.deepEqual(doc['counts'], { UNKNOWN: 0, LOW: 0, MEDIUM: 1, HIGH: 1, CRITICAL: 1 })
  assert.deepEqual(Object.keys(doc['findings'][0]).sort(), ['aliases', 'cvssScore', 'cvssVector', 'dataSource', 'fixedVersions', 'id', 'installedVersion', 'kind', 'package', 'severity', 'severitySource', 'status', 'title', 'url'])
  assert.equal(doc['ignored'][0].origin, 'vex')
})

test('sarif: valid SARIF 2.1.0 with GitHub-style rules, levels and a location per result', () => {
  const doc = JSON.parse(formatterByName('sarif')!.format(sampleReport(), { now })) as Json
  assert.equal(sarifValidator()(doc), undefined)
  const run = doc['runs'][0]
  const rules = run.tool.driver.rules as Json[]
  assert.deepEqual(rules.map((r) => r['id']), ['GHSA-xvch-5gv4-984h', 'GHSA-35jh-r3h4-6jhm', 'GHSA-29mw-wpgm-hmr9'])
  assert.equal(rules[0]!['properties']['security-severity'], '9.8', 'CVSS score when known')
  assert.equal(rules[1]!['properties']['security-severity'], '8.0', 'band score otherwise')
  assert.ok(rules.every((r) => typeof r['help'].text === 'string' && r['help'].text.length > 0))
  const results = run.results as Json[]
  assert.deepEqual(results.map((r) => r['level']), ['error', 'error', 'warning'])
  for (const r of results) {
    assert.equal(r['locations'].length, 1)
    assert.match(r['locations'][0].physicalLocation.artifactLocation.uri, /^app\/node_modules\/(lodash|minimist)\/package\.json$/)
    assert.equal(rules[r['ruleIndex']]!['id'], r['ruleId'])
  }
  assert.equal(run.properties.advisoryDbUpdatedAt, '2026-11-22T00:00:00.000Z')
})

test('the SARIF schema check really rejects a result without a message', () => {
  const doc = JSON.parse(formatterByName('sarif')!.format(sampleReport(), { now })) as Json
  delete doc['runs'][0].results[0].message
  assert.notEqual(sarifValidator()(doc), undefined)
})

test('cyclonedx: valid CycloneDX 1.6 with components, vulnerabilities, ratings, affects refs and VEX analysis', () => {
  const bom = JSON.parse(formatterByName('cyclonedx')!.format(sampleReport(), { now, uuid: '3e671687-395b-41f5-a30f-a58921a69b79' })) as Json
  assert.equal(cyclonedxValidator()(bom), undefined)
  const refs = new Set((bom['components'] as Json[]).map((c) => c['bom-ref']))
  const vulns = bom['vulnerabilities'] as Json[]
  assert.equal(vulns.length, 4, 'three findings and one ignored')
  for (const v of vulns) for (const a of v['affects']) assert.ok(refs.has(a.ref), `${v['id']} affects a listed component`)
  const crit = vulns.find((v) => v['id'] === 'GHSA-xvch-5gv4-984h')!
  assert.deepEqual(crit['ratings'], [{ source: { name: 'ghsa' }, severity: 'critical', method: 'CVSSv31', score: 9.8, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }])
  assert.equal(crit['affects'][0].ref, 'pkg:npm/minimist@1.2.0')
  const vex = vulns.find((v) => v['id'] === 'GHSA-vh95-rmgr-6w4m')!
  assert.equal(vex['analysis'].state, 'not_affected')
  assert.equal(vex['analysis'].justification, 'code_not_reachable')
})

test('the CycloneDX schema check really rejects a bad rating', () => {
  const bom = JSON.parse(formatterByName('cyclonedx')!.format(sampleReport(), { now, uuid: '3e671687-395b-41f5-a30f-a58921a69b79' })) as Json
  bom['vulnerabilities'][0].ratings[0].severity = 'catastrophic'
  assert.notEqual(cyclonedxValidator()(bom), undefined)
})

test('data age wording', async () => {
  const { describeAge } = await import('./data-age.ts')
  const at = (iso: string): string => describeAge('2026-11-22T00:00:00.000Z', new Date(iso))
  assert.equal(describeAge(undefined, now), 'never updated')
  assert.equal(at('2026-11-22T00:00:59Z'), '0 minutes')
  assert.equal(at('2026-11-22T01:30:00Z'), '1 hour')
  assert.equal(at('2026-11-23T23:00:00Z'), '47 hours')
  assert.equal(at('2026-12-02T00:00:00Z'), '10 days')
  assert.equal(at('2026-11-21T00:00:00Z'), 'in the future (check the clock)')
  assert.equal(describeAge('garbage', now), 'unknown age')
})
