// The checklist's decisions on synthetic inputs: base image (official, allowlisted, unknown),
// tags and digests, the vulnerability gate, and evidence on each line.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Digest } from '../../oci/digest.ts'
import type { ImageConfig } from '../image/source.ts'
import { catalogOf, matchBaseByLayers, type BaseImageCatalog, type KnownImage } from './base-image-catalog.ts'
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

describe('base image not recorded (docker classic builder)', () => {
  const d = (n: number): Digest => `sha256:${String(n).repeat(64).slice(0, 64)}` as Digest
  // FROM debian:latest + one RUN, built with the classic builder: two layers, no base recorded.
  const classic = (over: Partial<ComplianceInput> = {}): ComplianceInput => base({
    config: { rootfs: { type: 'layers', diff_ids: [d(1), d(2)] }, config: { User: 'app', Healthcheck: { Test: ['CMD', 'x'] } } },
    ...over,
  })
  const catalog = (images: KnownImage[]): BaseImageCatalog => catalogOf(images)

  it('a local scan says plainly that the base cannot be known, and what cannot be checked', () => {
    const item = evaluateCompliance(classic()).items[0]
    assert.equal(item?.status, 'fail')
    const text = item?.evidence.join('\n') ?? ''
    assert.match(text, /base image unknown/)
    assert.match(text, /does not record its base/)
    assert.match(text, /docker build, classic or BuildKit, writes neither/)
    assert.match(text, /cannot be checked: whether the base is official or allowed, and whether it is pinned/)
    assert.doesNotMatch(text, /not recorded \(/)
  })

  it('with a catalog of known images, the longest layer-prefix match names the base', () => {
    const images: KnownImage[] = [
      { name: 'docker.io/library/debian:latest', diffIds: [d(1)] },
      { name: 'docker.io/library/debian:12', diffIds: [d(1)] },
      { name: 'docker.io/library/alpine:3.20', diffIds: [d(3)] },
      { name: 'registry.example.com/other/app:1', diffIds: [d(1), d(4)] },
    ]
    assert.deepEqual(matchBaseByLayers([d(1), d(2)], catalog(images)), { names: ['docker.io/library/debian:12', 'docker.io/library/debian:latest'], layers: 1, of: 2 })
    const item = evaluateCompliance(classic(), { baseImages: catalog(images) }).items[0]
    assert.equal(item?.status, 'pass')
    assert.deepEqual(item?.evidence, [
      'base image not recorded; its first 1 of 2 layers are those of docker.io/library/debian:12, docker.io/library/debian:latest',
      'docker.io/library/debian:12 is an official image',
      'docker.io/library/debian:latest is an official image',
    ])
  })

  it('a matched base is held to the allowlist like a recorded one', () => {
    const item = evaluateCompliance(classic(), { baseImages: catalog([{ name: 'ghcr.io/acme/base:latest', diffIds: [d(1)] }]) }).items[0]
    assert.equal(item?.status, 'fail')
    assert.match(item?.evidence.join('\n') ?? '', /ghcr\.io\/acme\/base:latest is neither official nor in the allowlist/)
  })

  it('with a catalog and no match, it says no known image shares the first layers', () => {
    const item = evaluateCompliance(classic(), { baseImages: catalog([{ name: 'docker.io/library/alpine:3.20', diffIds: [d(3)] }]) }).items[0]
    assert.equal(item?.status, 'fail')
    assert.match(item?.evidence.join('\n') ?? '', /no image in the catalog has the same first layers/)
    // The image itself (same reference) is not its own base.
    assert.equal(matchBaseByLayers([d(1), d(2)], catalog([{ name: 'registry.example.com/app:1.2.3', diffIds: [d(1), d(2)] }]), 'registry.example.com/app:1.2.3'), undefined)
  })
})
