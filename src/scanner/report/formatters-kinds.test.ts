// Every formatter on a report with all three kinds of finding (sample-report.ts): sections and
// counts per kind, SARIF rules and locations per kind (schema-validated), CycloneDX with the
// vulnerabilities only, and the secret's redacted form and fingerprint as its only traces.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatterByName } from './formatter.ts'
import { cyclonedxValidator, sarifValidator } from './testing/report-schemas.ts'
import { sampleMixedReport } from './testing/sample-report.ts'

type Json = Record<string, any>
const now = new Date('2026-11-25T00:00:00.000Z')
const format = (name: string): string => formatterByName(name)!.format(sampleMixedReport(), { now, uuid: '3e671687-395b-41f5-a30f-a58921a69b79' })

test('table: a section per kind, counts in total and per kind, the secret redacted', () => {
  const out = format('table')
  assert.match(out, /Scanners: vuln, secret, misconfig/)
  assert.match(out, /Total: 5 \(CRITICAL: 2, HIGH: 2, MEDIUM: 1, LOW: 0, UNKNOWN: 0\)/)
  assert.match(out, /Vulnerabilities: 3 \(CRITICAL: 1, HIGH: 1, MEDIUM: 1/)
  assert.match(out, /Secrets: 1 \(CRITICAL: 1, HIGH: 0/)
  assert.match(out, /Misconfigurations: 1 \(CRITICAL: 0, HIGH: 1/)
  const v = out.indexOf('Vulnerabilities (3)')
  const s = out.indexOf('Secrets (1)')
  const m = out.indexOf('Misconfigurations (1)')
  assert.ok(v > 0 && v < s && s < m, 'sections in scanner order')
  assert.match(out, /CRITICAL +aws-access-key-id +layer 0: \/root\/\.aws\/credentials:2 \[deleted in a later layer\] +AWS access key ID +AKIA\*\*\*\* \(sha256:0123456789abcdef\)/)
  assert.match(out, /HIGH +CIS-DI-0001 +config\.User +Create a user for the container +config\.User is not set/)
})

test('json: countsByKind and scanners next to the total counts; findings carry their kind', () => {
  const doc = JSON.parse(format('json')) as Json
  assert.deepEqual(doc['scanners'], ['vuln', 'secret', 'misconfig'])
  assert.deepEqual(doc['counts'], { UNKNOWN: 0, LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 2 })
  assert.deepEqual(doc['countsByKind']['secret'], { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 1 })
  assert.deepEqual(doc['countsByKind']['misconfig'], { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 0 })
  assert.deepEqual((doc['findings'] as Json[]).map((f) => f['kind']), ['vulnerability', 'secret', 'vulnerability', 'misconfig', 'vulnerability'])
  const secret = (doc['findings'] as Json[]).find((f) => f['kind'] === 'secret')!
  assert.deepEqual([secret['match'], secret['fingerprint'], secret['location'].path, secret['line']], ['AKIA****', 'sha256:0123456789abcdef', 'root/.aws/credentials', 2])
})

test('sarif: valid, with one rule per kind and file+line / config locations', () => {
  const doc = JSON.parse(format('sarif')) as Json
  assert.equal(sarifValidator()(doc), undefined)
  const run = doc['runs'][0]
  const rules = run.tool.driver.rules as Json[]
  const tags = (id: string): string[] => rules.find((r) => r['id'] === id)!['properties'].tags
  assert.ok(tags('aws-access-key-id').includes('secret'))
  assert.ok(tags('CIS-DI-0001').includes('misconfiguration'))
  assert.ok(tags('GHSA-xvch-5gv4-984h').includes('vulnerability'))
  const results = run.results as Json[]
  assert.equal(results.length, 5)
  for (const r of results) assert.equal(rules[r['ruleIndex']]!['id'], r['ruleId'])
  const secret = results.find((r) => r['ruleId'] === 'aws-access-key-id')!
  assert.deepEqual(secret['locations'][0].physicalLocation, { artifactLocation: { uri: 'root/.aws/credentials' }, region: { startLine: 2 } })
  assert.equal(secret['level'], 'error')
  assert.match(secret['message'].text, /AKIA\*\*\*\* \(fingerprint sha256:0123456789abcdef\).*deleted by a later layer/)
  const mis = results.find((r) => r['ruleId'] === 'CIS-DI-0001')!
  assert.deepEqual(mis['locations'][0].logicalLocations, [{ fullyQualifiedName: 'config.User', kind: 'member' }])
  assert.equal(rules.find((r) => r['id'] === 'aws-access-key-id')!['properties']['security-severity'], '9.5')
})

test('cyclonedx: vulnerabilities only (as Trivy), valid, and says how many findings it left out', () => {
  const bom = JSON.parse(format('cyclonedx')) as Json
  assert.equal(cyclonedxValidator()(bom), undefined)
  const ids = (bom['vulnerabilities'] as Json[]).map((v) => v['id'])
  assert.deepEqual(ids.filter((id) => !id.startsWith('GHSA-')), [])
  assert.equal(ids.length, 4, 'three vulnerabilities and one ignored')
  const prop = (bom['metadata']['properties'] as Json[]).find((p) => p['name'] === 'drydock:findings:not-in-bom')
  assert.match(prop?.['value'] ?? '', /^2 secret\/misconfiguration finding/)
})
