// scanImage with the secret and misconfiguration scanners on a hand-written inventory: no
// advisory provider needed without `vuln`, the report's counts add up per kind, the checklist
// fails items whose scanner did not run, and a failed checklist fails the gate.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { digestOf } from '../../oci/digest.ts'
import type { ImageInventory } from '../pipeline/analyze-image.ts'
import { countBySeverity } from '../report/scan-report.ts'
import { SAMPLE_SECRET } from '../report/testing/sample-report.ts'
import type { SecretFinding } from '../analyzers/secret/secret-finding.ts'
import { scanImage } from './scan-image.ts'

const meta = { toolName: 'drydock', toolVersion: '0.1.0', now: new Date('2026-11-25T00:00:00Z') }
const inventory = (secrets?: SecretFinding[]): ImageInventory => ({
  image: {
    reference: 'oci:build/app:2.1', manifestDigest: digestOf('manifest'), configDigest: digestOf('config'), layers: [],
    config: { architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/bin'] }, rootfs: { type: 'layers', diff_ids: [] } },
  },
  packages: [], unknowns: [], layerFiles: [], ...(secrets ? { secrets } : {}),
})

test('secret + misconfig without an advisory provider: one report, counts per kind and in total', async () => {
  const { report, exitCode } = await scanImage({ inventory: async () => inventory([SAMPLE_SECRET as SecretFinding]), scanners: ['secret', 'misconfig'], policy: { exitCode: 3 }, meta })
  assert.equal(exitCode, 3)
  assert.deepEqual(report.scanners, ['secret', 'misconfig'])
  assert.equal(report.dataSource.updatedAt, undefined)
  const ids = report.findings.map((f) => `${f.kind} ${f.id}`)
  assert.ok(ids.includes('secret aws-access-key-id'))
  assert.ok(ids.includes('misconfig CIS-DI-0001'), ids.join(', '))
  assert.ok(ids.includes('misconfig CIS-DI-0006'), ids.join(', '))
  assert.deepEqual(report.counts, countBySeverity(report.findings))
  for (const sev of ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const) {
    assert.equal(report.counts[sev], report.countsByKind.vulnerability[sev] + report.countsByKind.secret[sev] + report.countsByKind.misconfig[sev])
  }
})

test('the scanners need their inputs: a provider for vuln, an inventory with secrets for secret', async () => {
  await assert.rejects(scanImage({ inventory: async () => inventory(), scanners: ['vuln'], policy: {}, meta }), /advisory provider/)
  await assert.rejects(scanImage({ inventory: async () => inventory(), scanners: ['secret'], policy: {}, meta }), /secrets option/)
})

test('compliance: evaluated into the report; a failed item fails the gate; items of scanners that did not run fail as not checked', async () => {
  const passing = { ...inventory([]), image: { ...inventory().image, config: { ...inventory().image.config, config: { User: '1000', Healthcheck: { Test: ['CMD', 'true'] } } } } }
  const { report, exitCode } = await scanImage({ inventory: async () => passing, scanners: ['secret', 'misconfig'], policy: { exitCode: 5, severities: ['CRITICAL'] }, compliance: {}, meta })
  assert.deepEqual(report.findings, [], 'nothing CRITICAL')
  const status = Object.fromEntries((report.compliance?.items ?? []).map((i) => [i.id, i.status]))
  assert.deepEqual([status['no-secrets'], status['non-root'], status['healthcheck'], status['scan-reviewed']], ['pass', 'pass', 'pass', 'fail'])
  assert.match(report.compliance?.items.find((i) => i.id === 'scan-reviewed')?.evidence[0] ?? '', /not checked: the vuln scanner did not run/)
  assert.equal(exitCode, 5, 'the failed checklist is a violation')
})

test('findings past maxFindings are cut, least severe first, counted and marked truncated in every format', async () => {
  const many = Array.from({ length: 200_000 }, (_, i) => ({ ...(SAMPLE_SECRET as SecretFinding), fingerprint: `sha256:${i.toString(16).padStart(16, '0')}` }))
  // 200,000 findings: pushed one by one (a spread of them overflowed the call stack).
  const inv = { ...inventory(many), omitted: { count: 7, reasons: ['layer sha256:abc: 7 secret finding(s) past maxFindingsPerLayer (1000)'] } }
  const { report } = await scanImage({ inventory: async () => inv, scanners: ['secret', 'misconfig'], policy: {}, meta, maxFindings: 50 })
  assert.equal(report.findings.length, 50)
  assert.ok(report.findings.every((f) => f.severity === 'CRITICAL'), 'the most severe are kept')
  assert.deepEqual(report.counts, countBySeverity(report.findings), 'counts cover the listed findings')
  assert.equal(report.truncated?.omittedFindings, 7 + 200_000 + 2 - 50)
  assert.match(report.truncated?.reasons.join('\n') ?? '', /maxFindingsPerLayer \(1000\)\n.*past maxFindingsPerImage \(50\)/)
  const { formatterByName } = await import('../report/formatter.ts')
  const json = JSON.parse(formatterByName('json')!.format(report, { now: meta.now })) as { truncated: unknown }
  assert.deepEqual(json.truncated, report.truncated)
  assert.match(formatterByName('table')!.format(report, { now: meta.now }), /\nTRUNCATED: 199959 more finding\(s\) not listed: /)
  const sarif = JSON.parse(formatterByName('sarif')!.format(report, { now: meta.now })) as { runs: { properties: { truncated: unknown }; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] }
  assert.deepEqual(sarif.runs[0]?.properties.truncated, report.truncated)
  assert.match(sarif.runs[0]?.invocations[0]?.toolExecutionNotifications[0]?.message.text ?? '', /199959 more finding/)

  const { report: whole } = await scanImage({ inventory: async () => inventory([SAMPLE_SECRET as SecretFinding]), scanners: ['secret'], policy: {}, meta })
  assert.equal(whole.truncated, undefined, 'no marker when nothing was left out')
  assert.doesNotMatch(formatterByName('table')!.format(whole, { now: meta.now }), /TRUNCATED/)
})

test('a scanner marked unavailable: the report carries it with the reason, warns, and the checklist says why it is not checked', async () => {
  const reason = 'no advisory database configured (scanning.advisoryDb / --advisory-db)'
  const { report } = await scanImage({
    inventory: async () => inventory([]), scanners: ['secret', 'misconfig'], unavailable: [{ scanner: 'vuln', reason }], compliance: {}, policy: {}, meta,
  })
  assert.deepEqual(report.unavailable, [{ scanner: 'vuln', reason }])
  assert.ok(report.warnings.includes(`vulnerabilities: unavailable (${reason})`), report.warnings.join('\n'))
  const reviewed = report.compliance?.items.find((i) => i.id === 'scan-reviewed')
  assert.equal(reviewed?.status, 'fail')
  assert.deepEqual(reviewed?.evidence, [`not checked: the vuln scanner did not run (${reason})`])
  const { formatterByName } = await import('../report/formatter.ts')
  assert.match(formatterByName('table')!.format(report, { now: meta.now }), /^Vulnerabilities: unavailable \(no advisory database configured .*\): not checked$/m)
  assert.deepEqual((JSON.parse(formatterByName('json')!.format(report, { now: meta.now })) as { unavailable: unknown }).unavailable, report.unavailable)

  const { report: plain } = await scanImage({ inventory: async () => inventory([]), scanners: ['secret'], policy: {}, meta })
  assert.equal(plain.unavailable, undefined, 'a scanner left out by --scanners is not "unavailable"')
})
