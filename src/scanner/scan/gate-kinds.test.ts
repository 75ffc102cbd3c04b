// One gate for every kind of finding: --severity and the ignore file apply to secrets and
// misconfigurations too (rule ids, secret fingerprints, with reason and expiry, scoped by the
// ignore file's section); --ignore-unfixed and VEX only to vulnerabilities.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ReportFinding } from '../report/scan-report.ts'
import { SAMPLE_MISCONFIG, SAMPLE_SECRET, sampleFinding } from '../report/testing/sample-report.ts'
import { applyGate } from './gate.ts'
import { IgnoreFileError, parseIgnoreFile } from './ignore-file.ts'

const now = new Date('2026-11-25T12:00:00Z')
const unfixed = sampleFinding({ id: 'GHSA-29mw-wpgm-hmr9', severity: 'MEDIUM', fixedVersions: [], status: 'unfixed' })
const otherSecret: ReportFinding = { ...SAMPLE_SECRET, fingerprint: 'sha256:fedcba9876543210', location: { kind: 'config', field: 'config.Env[0]' } } as ReportFinding
const all: ReportFinding[] = [unfixed, SAMPLE_MISCONFIG, SAMPLE_SECRET, otherSecret]

test('severity filter, order and counts cover every kind; --ignore-unfixed touches vulnerabilities only', () => {
  const r = applyGate(all, { now, severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: true, exitCode: 4 })
  assert.deepEqual(r.findings.map((f) => f.kind), ['secret', 'secret', 'misconfig'], 'CRITICAL secrets first, then the HIGH check')
  assert.equal(r.counts.CRITICAL, 2)
  assert.equal(r.countsByKind.secret.CRITICAL, 2)
  assert.equal(r.countsByKind.misconfig.HIGH, 1)
  assert.equal(r.countsByKind.vulnerability.MEDIUM, 0)
  assert.equal(r.exitCode, 4)
  const withUnfixed = applyGate(all, { now, ignoreUnfixed: true })
  assert.deepEqual(withUnfixed.ignored.map((i) => [i.finding.id, i.origin]), [['GHSA-29mw-wpgm-hmr9', 'ignore-unfixed']])
  assert.equal(withUnfixed.findings.length, 3)
})

test('ignore file: a fingerprint ignores one secret, a check id one misconfiguration; sections scope the ids', () => {
  const rules = parseIgnoreFile([
    'secrets:',
    '  - fingerprint: SHA256:0123456789ABCDEF',
    '    reason: revoked test key',
    'misconfigurations:',
    '  - id: CIS-DI-0001',
    '    reason: the runtime sets the user',
    '    expires: 2026-12-31',
    '  - id: aws-access-key-id',
    '    reason: a misconfigurations entry never hides a secret',
  ].join('\n'))
  const r = applyGate(all, { now, ignoreRules: rules, exitCode: 1 })
  assert.deepEqual(r.ignored.map((i) => [i.finding.kind, i.origin, i.reason]), [
    ['misconfig', 'ignorefile', 'the runtime sets the user'],
    ['secret', 'ignorefile', 'revoked test key'],
  ])
  assert.deepEqual(r.findings.map((f) => f.kind === 'secret' ? f.fingerprint : f.id), ['sha256:fedcba9876543210', 'GHSA-29mw-wpgm-hmr9'])
  assert.equal(r.exitCode, 1)
  // A secret rule id ignores every secret of that rule; after expiry it ignores nothing and warns.
  const byRule = parseIgnoreFile('secrets:\n  - id: aws-access-key-id\n    reason: fixtures\n    expires: 2026-01-01\n')
  assert.equal(applyGate(all, { now: new Date('2025-12-01T00:00:00Z'), ignoreRules: byRule }).ignored.length, 2)
  const expired = applyGate(all, { now, ignoreRules: byRule })
  assert.equal(expired.ignored.length, 0)
  assert.deepEqual(expired.warnings, ['ignore entry for aws-access-key-id expired on 2026-01-01: its findings are reported again'])
})

test('ignore file: malformed secret and misconfiguration entries fail loudly', () => {
  const bad = (text: string, re: RegExp): void => assert.throws(() => parseIgnoreFile(text), (e: unknown) => e instanceof IgnoreFileError && re.test(e.message), text)
  bad('secret:\n  - {id: x, reason: r}\n', /unknown section 'secret'/)
  bad('secrets:\n  - {reason: r}\n', /secrets entry 1: 'id' is required/)
  bad('secrets:\n  - {fingerprint: abc, reason: r}\n', /'fingerprint' looks like sha256:/)
  bad('misconfigurations:\n  - {id: CIS-DI-0001, fingerprint: "0123456789abcdef", reason: r}\n', /'fingerprint' is for secrets only/)
  bad('secrets:\n  - {id: aws-access-key-id, package: x, reason: r}\n', /'package' and 'purl' are for vulnerabilities only/)
  assert.deepEqual(parseIgnoreFile('secrets:\n  - {fingerprint: "0123456789abcdef", reason: r}\n'), [{ kind: 'secret', fingerprint: 'sha256:0123456789abcdef', reason: 'r' }])
})
