/**
 * The image checks and the compliance checklist on the shared real images
 * (../shared/testdata/images/README.md): node-app-on-debian runs as user 1000 with a
 * HEALTHCHECK, python-app runs as root without one. The secret pass runs over every file of
 * both Debian-based images, which must give no false positives.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { catalogOf } from '../../src/scanner/compliance/base-image-catalog.ts'
import { evaluateCompliance } from '../../src/scanner/compliance/compliance-checklist.ts'
import { parseImageSource } from '../../src/scanner/image/parse-image-source.ts'
import { findImageSecretsAndMisconfigs, type ImageFindings } from '../../src/scanner/misconfig/image-findings.ts'
import { analyzeImage } from '../../src/scanner/pipeline/analyze-image.ts'
import type { ImageConfig } from '../../src/scanner/image/source.ts'
import { IMAGES_DIR } from '../../src/testkit/repo-paths.ts'
import { buildFullDebianImage } from './debian-full-image.ts'

async function scan(name: string, tag: string): Promise<ImageFindings & { config: ImageConfig; reference: string }> {
  return await scanReference(`oci:${join(IMAGES_DIR, name)}:${tag}`)
}

async function scanReference(reference: string): Promise<ImageFindings & { config: ImageConfig; reference: string }> {
  const source = await parseImageSource(reference)
  try {
    const inventory = await analyzeImage(source, { analyzers: [] })
    return { ...(await findImageSecretsAndMisconfigs(source, inventory)), config: inventory.image.config, reference }
  } finally {
    await source.close()
  }
}

describe('real images', () => {
  it('a full Debian bookworm image (slim + the lintian overrides slimify removes) has no secret', async () => {
    const work = await mkdtemp(join(tmpdir(), 'drydock-debian-full-'))
    try {
      const r = await scanReference(await buildFullDebianImage(work))
      assert.deepEqual(r.secrets.map((s) => `${s.id} ${JSON.stringify(s.location)}`), [])
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })

  it('node-app-on-debian: non-root with a healthcheck passes those checks', async () => {
    const r = await scan('node-app-on-debian', '1.0.0')
    const ids = new Set(r.misconfigs.map((m) => m.id))
    assert.ok(!ids.has('CIS-DI-0001') && !ids.has('CIS-DI-0006'), [...ids].join(' '))
    assert.deepEqual(r.secrets.map((s) => `${s.id} ${s.location.kind === 'file' ? s.location.path : ''}`), [])
    // Debian's su, passwd, mount ... are setuid: reported, low severity.
    assert.ok(r.misconfigs.some((m) => m.id === 'CIS-DI-0008' && m.severity === 'LOW'))
    const report = evaluateCompliance({ reference: r.reference, config: r.config, secrets: r.secrets, misconfigs: r.misconfigs, vulnerabilities: [{ id: 'CVE-2020-8203', severity: 'HIGH' }] })
    const status = Object.fromEntries(report.items.map((i) => [i.id, i.status]))
    assert.deepEqual(status, { 'base-image': 'fail', 'no-secrets': 'pass', 'non-root': 'pass', healthcheck: 'pass', 'scan-reviewed': 'fail', 'versioned-tag': 'pass' })
    assert.equal(report.passed, false)
    assert.deepEqual(report.items.find((i) => i.id === 'non-root')?.evidence, ['config.User is "1000"'])
    // It records no base (like any docker build): a local scan says so and what it leaves unchecked.
    const baseEvidence = report.items.find((i) => i.id === 'base-image')?.evidence ?? []
    assert.match(baseEvidence[0] ?? '', /^base image unknown: the image does not record its base .*a local scan cannot tell it from the layers$/)
    assert.match(baseEvidence[1] ?? '', /^cannot be checked: whether the base is official or allowed, and whether it is pinned/)
  })

  it('node-app-on-debian: a catalog holding debian:bookworm-slim finds it as the base by its layers', async () => {
    const r = await scan('node-app-on-debian', '1.0.0')
    const slim = await scan('debian-bookworm-slim', 'bookworm-slim')
    const baseImages = catalogOf([
      { name: 'docker.io/library/debian:bookworm-slim', diffIds: slim.config.rootfs.diff_ids },
      { name: 'registry.example.com/test/node-app-vuln:1.0.0', diffIds: r.config.rootfs.diff_ids.slice(1) },
    ])
    const report = evaluateCompliance({ reference: r.reference, config: r.config, secrets: [], misconfigs: [], vulnerabilities: [] }, { baseImages })
    const base = report.items.find((i) => i.id === 'base-image')
    assert.deepEqual([base?.status, base?.evidence], ['pass', [
      'base image not recorded; its first 1 of 2 layers are those of docker.io/library/debian:bookworm-slim',
      'docker.io/library/debian:bookworm-slim is an official image',
    ]])
  })

  it('python-app: runs as root without a healthcheck', async () => {
    const r = await scan('python-app', '1.0.0')
    const root = r.misconfigs.find((m) => m.id === 'CIS-DI-0001')
    assert.deepEqual([root?.severity, root?.location], ['HIGH', { kind: 'config', field: 'config.User' }])
    assert.ok(r.misconfigs.some((m) => m.id === 'CIS-DI-0006'))
    assert.deepEqual(r.secrets.map((s) => `${s.id} ${s.location.kind === 'file' ? s.location.path : ''}`), [])
    const report = evaluateCompliance(
      { reference: r.reference, config: r.config, secrets: r.secrets, misconfigs: r.misconfigs, vulnerabilities: [] },
      { allowedBases: ['docker.io/library/*'] },
    )
    const status = Object.fromEntries(report.items.map((i) => [i.id, i.status]))
    assert.deepEqual([status['non-root'], status['healthcheck'], status['no-secrets'], status['scan-reviewed']], ['fail', 'fail', 'pass', 'pass'])
  })
})
