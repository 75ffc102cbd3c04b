import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sampleFinding } from '../report/testing/sample-report.ts'
import { applyGate, type VexStatement } from './gate.ts'
import { IgnoreFileError, parseIgnoreFile } from './ignore-file.ts'
import { parseOpenVex, VexError } from './openvex.ts'
import { purlMatches } from './purl-match.ts'

const now = new Date('2026-11-25T12:00:00Z')
const crit = sampleFinding({ id: 'GHSA-xvch-5gv4-984h', severity: 'CRITICAL', aliases: ['CVE-2021-44906'] }, 1)
const high = sampleFinding({ id: 'GHSA-35jh-r3h4-6jhm', severity: 'HIGH', aliases: ['CVE-2021-23337'] })
const unfixed = sampleFinding({ id: 'GHSA-29mw-wpgm-hmr9', severity: 'LOW', fixedVersions: [], status: 'unfixed' })
const all = [unfixed, high, crit]
const DIGEST = 'sha256:' + 'ab'.repeat(32)

test('default: everything reported, sorted highest first, exit code 0 even with findings', () => {
  const r = applyGate(all, { now })
  assert.deepEqual(r.findings.map((f) => f.severity), ['CRITICAL', 'HIGH', 'LOW'])
  assert.deepEqual(r.counts, { UNKNOWN: 0, LOW: 1, MEDIUM: 0, HIGH: 1, CRITICAL: 1 })
  assert.equal(r.exitCode, 0)
})

test('--exit-code applies only when a counted finding remains', () => {
  assert.equal(applyGate(all, { now, exitCode: 1 }).exitCode, 1)
  assert.equal(applyGate(all, { now, exitCode: 1, severities: ['MEDIUM'] }).exitCode, 0)
  assert.equal(applyGate([], { now, exitCode: 5 }).exitCode, 0)
  const r = applyGate(all, { now, exitCode: 4, severities: ['HIGH', 'CRITICAL'] })
  assert.equal(r.exitCode, 4)
  assert.deepEqual(r.findings.map((f) => f.id), [crit.id, high.id])
})

test('--ignore-unfixed moves unfixed findings to ignored with the reason', () => {
  const r = applyGate(all, { now, ignoreUnfixed: true, exitCode: 1, severities: ['LOW'] })
  assert.equal(r.findings.length, 0)
  assert.equal(r.exitCode, 0)
  assert.deepEqual(r.ignored.map((i) => [i.finding.id, i.origin]), [[unfixed.id, 'ignore-unfixed']])
})

test('ignore file: by id or alias, limited by package/purl; an expired entry ignores nothing and warns', () => {
  const rules = parseIgnoreFile(`
vulnerabilities:
  - id: CVE-2021-44906
    purl: pkg:npm/minimist
    reason: CLI args are not attacker controlled
    expires: 2026-11-25
  - id: GHSA-35jh-r3h4-6jhm
    package: not-lodash
    reason: wrong package, must not match
  - id: GHSA-29mw-wpgm-hmr9
    reason: accepted until end of October
    expires: 2026-10-31
`)
  const r = applyGate(all, { now, ignoreRules: rules, exitCode: 1 })
  assert.deepEqual(r.ignored.map((i) => [i.finding.id, i.origin, i.reason]), [[crit.id, 'ignorefile', 'CLI args are not attacker controlled']])
  assert.deepEqual(r.findings.map((f) => f.id), [high.id, unfixed.id])
  assert.deepEqual(r.warnings, ['ignore entry for GHSA-29mw-wpgm-hmr9 expired on 2026-10-31: its findings are reported again'])
  // The day after the expiry date the first rule stops applying too.
  const later = applyGate(all, { now: new Date('2026-11-26T00:00:00Z'), ignoreRules: rules })
  assert.equal(later.ignored.length, 0)
  assert.equal(later.warnings.length, 2)
})

test('ignore file: JSON works, and bad entries fail loudly', () => {
  assert.deepEqual(parseIgnoreFile('[{"id":"CVE-1","reason":"r"}]'), [{ id: 'CVE-1', reason: 'r' }])
  assert.deepEqual(parseIgnoreFile(''), [])
  assert.throws(() => parseIgnoreFile('- id: CVE-1\n'), (e: unknown) => e instanceof IgnoreFileError && /entry 1: 'reason' is required/.test(e.message))
  assert.throws(() => parseIgnoreFile('- {id: CVE-1, reason: r, expires: next week}'), /'expires' must be a date/)
  assert.throws(() => parseIgnoreFile('vulnerabilities: 3'), /expected a list/)
  assert.throws(() => parseIgnoreFile('a: [1, 2'), /not valid YAML or JSON/)
})

const vexDoc = (statements: unknown[]): VexStatement[] => parseOpenVex({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'urn:x', author: 'a', timestamp: '2026-11-20T00:00:00Z', version: 1, statements })

test('VEX: not_affected / fixed suppress by package purl or image digest; affected / under_investigation keep', () => {
  const vex = vexDoc([
    { vulnerability: { name: 'CVE-2021-44906' }, products: [{ '@id': 'pkg:npm/minimist@1.2.0' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
    { vulnerability: { name: 'GHSA-35jh-r3h4-6jhm' }, products: [{ '@id': `pkg:oci/app@${encodeURIComponent(DIGEST)}`, subcomponents: [{ '@id': 'pkg:npm/lodash' }] }], status: 'fixed' },
    { vulnerability: 'GHSA-29mw-wpgm-hmr9', products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'under_investigation' },
  ])
  const r = applyGate(all, { now, vex, imageDigest: DIGEST, exitCode: 1 })
  assert.deepEqual(r.ignored.map((i) => [i.finding.id, i.origin, i.reason]), [
    [high.id, 'vex', 'fixed'],
    [crit.id, 'vex', 'not_affected: vulnerable_code_not_in_execute_path'],
  ])
  assert.deepEqual(r.findings.map((f) => f.id), [unfixed.id])
  // The same image-level statement for another image digest suppresses nothing.
  assert.equal(applyGate(all, { now, vex, imageDigest: 'sha256:' + 'cd'.repeat(32) }).ignored.length, 1)
})

test('VEX: a later statement wins (affected after not_affected keeps the finding)', () => {
  const vex = vexDoc([
    { vulnerability: { name: 'CVE-2021-44906' }, products: ['pkg:npm/minimist'], status: 'not_affected', timestamp: '2026-11-01T00:00:00Z' },
    { vulnerability: { name: 'CVE-2021-44906' }, products: ['pkg:npm/minimist'], status: 'affected', timestamp: '2026-11-10T00:00:00Z' },
  ])
  assert.deepEqual(applyGate([crit], { now, vex }).findings.map((f) => f.id), [crit.id])
})

test('VEX: malformed documents are refused', () => {
  assert.throws(() => parseOpenVex({}), VexError)
  assert.throws(() => vexDoc([{ vulnerability: { name: 'X' }, products: ['p'], status: 'maybe' }]), /status must be one of/)
  assert.throws(() => vexDoc([{ vulnerability: { name: 'X' }, products: [], status: 'fixed' }]), /no products/)
})

test('purl matching: versionless patterns, qualifiers, case of npm names', () => {
  assert.ok(purlMatches('pkg:npm/minimist', 'pkg:npm/minimist@1.2.0'))
  assert.ok(purlMatches('pkg:npm/Minimist@1.2.0', 'pkg:npm/minimist@1.2.0'))
  assert.ok(!purlMatches('pkg:npm/minimist@1.2.6', 'pkg:npm/minimist@1.2.0'))
  assert.ok(purlMatches('pkg:apk/alpine/musl', 'pkg:apk/alpine/musl@1.2.4-r4?arch=x86_64&distro=3.19.4'))
  assert.ok(!purlMatches('pkg:apk/alpine/musl?arch=aarch64', 'pkg:apk/alpine/musl@1.2.4-r4?arch=x86_64'))
  assert.ok(purlMatches('pkg:npm/%40scope/pkg', 'pkg:npm/%40scope/pkg@1.0.0'))
  assert.ok(!purlMatches('pkg:pypi/minimist', 'pkg:npm/minimist@1.2.0'))
})
