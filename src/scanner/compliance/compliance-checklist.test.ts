// The checklist's decisions on synthetic inputs: base image (official, allowlisted, unknown),
// tags and digests, the vulnerability gate, and evidence on each line.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ImageConfig } from '../image/source.ts'
import { evaluateCompliance, formatCompliance, type ComplianceInput } from './compliance-checklist.ts'
import { imageTag, isOfficialImage, matchesAllowedBase } from './image-names.ts'

const config = (c: Record<string, unknown>): ImageConfig => ({ rootfs: { type: 'layers', diff_ids: [] }, config: c })
const base = (over: Partial<ComplianceInput>): ComplianceInput => ({
  reference: 'registry.example.com/app:1.2.3',
  config: config({ User: 'app', Healthcheck: { Test: ['CMD', '/health'] }, Labels: { 'org.opencontainers.image.base.name': 'docker.io/library/debian:12' } }),
  secrets: [], misconfigs: [], vulnerabilities: [], ...over,
})

describe('image names', () => {
  it('reads tags and digests of every reference form', () => {
    assert.deepEqual(imageTag('oci:/data/app:1.0.0'), { kind: 'tag', value: '1.0.0' })
    assert.deepEqual(imageTag('oci:/data/app'), { kind: 'none' })
    assert.deepEqual(imageTag('localhost:5000/app'), { kind: 'none' })
    assert.deepEqual(imageTag('localhost:5000/app:latest'), { kind: 'tag', value: 'latest' })
    assert.deepEqual(imageTag(`app@sha256:${'a'.repeat(64)}`), { kind: 'digest', value: `sha256:${'a'.repeat(64)}` })
  })
  it('knows official images and allowlist globs', () => {
    assert.equal(isOfficialImage('debian:12'), true)
    assert.equal(isOfficialImage('docker.io/library/python:3.12'), true)
    assert.equal(isOfficialImage('bitnami/redis:7'), false)
    assert.equal(isOfficialImage('ghcr.io/acme/base:1'), false)
    assert.equal(matchesAllowedBase('registry.example.com/base/node:20', ['registry.example.com/base/*']), 'registry.example.com/base/*')
    assert.equal(matchesAllowedBase('registry.example.com/other/node:20', ['registry.example.com/base/*']), undefined)
  })
})

describe('compliance checklist', () => {
  it('passes a compliant image, with evidence on every line', () => {
    const r = evaluateCompliance(base({}))
    assert.equal(r.passed, true, formatCompliance(r))
    assert.ok(r.items.every((i) => i.evidence.length > 0))
  })
  it('fails each line for its own reason', () => {
    const r = evaluateCompliance(base({
      reference: 'registry.example.com/app:latest',
      config: config({ User: '0', Labels: { 'org.opencontainers.image.base.name': 'ghcr.io/acme/base:1' } }),
      vulnerabilities: [{ id: 'CVE-2024-0001', severity: 'CRITICAL' }, { id: 'CVE-2024-0002', severity: 'MEDIUM' }],
      misconfigs: [{ kind: 'misconfig', id: 'CIS-DI-0010', severity: 'CRITICAL', title: 't', remediation: 'r', evidence: 'Env DB_PASSWORD=myse****' }],
    }))
    assert.deepEqual(r.items.map((i) => [i.id, i.status]), [
      ['base-image', 'fail'], ['no-secrets', 'fail'], ['non-root', 'fail'], ['healthcheck', 'fail'], ['scan-reviewed', 'fail'], ['versioned-tag', 'fail'],
    ])
    assert.deepEqual(r.items.find((i) => i.id === 'scan-reviewed')?.evidence, ['1 remaining: CVE-2024-0001 (CRITICAL)'])
    const allowed = evaluateCompliance(base({ config: config({ User: 'app', Healthcheck: { Test: ['CMD', 'x'] }, Labels: { 'org.opencontainers.image.base.name': 'ghcr.io/acme/base:1' } }) }), { allowedBases: ['ghcr.io/acme/*'] })
    assert.equal(allowed.items[0]?.status, 'pass')
  })
  it('an unknown base fails rather than passing by default', () => {
    const r = evaluateCompliance(base({ config: config({ User: 'app', Healthcheck: { Test: ['CMD', 'x'] } }) }))
    assert.deepEqual([r.items[0]?.status, r.passed], ['fail', false])
  })
})
