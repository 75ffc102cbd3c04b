/**
 * The image checks and the compliance checklist on the shared real images
 * (../shared/testdata/images/README.md): node-app-on-debian runs as user 1000 with a
 * HEALTHCHECK, python-app runs as root without one. The secret pass runs over every file of
 * both Debian-based images, which must give no false positives.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { evaluateCompliance } from '../../src/scanner/compliance/compliance-checklist.ts'
import { parseImageSource } from '../../src/scanner/image/parse-image-source.ts'
import { findImageSecretsAndMisconfigs, type ImageFindings } from '../../src/scanner/misconfig/image-findings.ts'
import { analyzeImage } from '../../src/scanner/pipeline/analyze-image.ts'
import type { ImageConfig } from '../../src/scanner/image/source.ts'
import { IMAGES_DIR } from '../../src/testkit/repo-paths.ts'

async function scan(name: string, tag: string): Promise<ImageFindings & { config: ImageConfig; reference: string }> {
  const reference = `oci:${join(IMAGES_DIR, name)}:${tag}`
  const source = await parseImageSource(reference)
  try {
    const inventory = await analyzeImage(source, { analyzers: [] })
    return { ...(await findImageSecretsAndMisconfigs(source, inventory)), config: inventory.image.config, reference }
  } finally {
    await source.close()
  }
}

describe('real images', () => {
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
