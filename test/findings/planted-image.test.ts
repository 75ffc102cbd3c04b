/**
 * End to end on an image built by buildah with planted secrets and misconfigurations (see
 * planted-image.ts): the pipeline walks it, then the secret pass, the image checks and the
 * compliance checklist run on the result. Every finding's rule, severity and location is
 * checked, and no raw secret may appear in any output format (JSON, table, SARIF).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { SecretFinding } from '../../src/scanner/analyzers/secret/secret-finding.ts'
import { evaluateCompliance, formatCompliance } from '../../src/scanner/compliance/compliance-checklist.ts'
import { parseImageSource } from '../../src/scanner/image/parse-image-source.ts'
import type { MisconfigFinding } from '../../src/scanner/misconfig/finding.ts'
import { findImageSecretsAndMisconfigs } from '../../src/scanner/misconfig/image-findings.ts'
import { formatTable } from '../../src/scanner/misconfig/output/format-table.ts'
import { toSarif } from '../../src/scanner/misconfig/output/format-sarif.ts'
import { analyzeImage } from '../../src/scanner/pipeline/analyze-image.ts'
import { sarifValidator } from '../../src/scanner/report/testing/report-schemas.ts'
import { buildPlantedImage, makeSecrets } from './planted-image.ts'

describe('secrets and misconfigurations in a planted image (buildah)', () => {
  const planted = makeSecrets()
  let work = ''
  let secrets: readonly SecretFinding[] = []
  let misconfigs: readonly MisconfigFinding[] = []
  let reference = ''

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-planted-'))
    reference = await buildPlantedImage(work, planted)
    const source = await parseImageSource(reference)
    try {
      const [resolved] = await source.resolve()
      const inventory = await analyzeImage(source, { analyzers: [] })
      const found = await findImageSecretsAndMisconfigs(source, inventory, resolved?.manifest.annotations ? { annotations: resolved.manifest.annotations } : {})
      secrets = found.secrets
      misconfigs = found.misconfigs
    } finally {
      await source.close()
    }
  })
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true })
  })

  const fileSecret = (id: string, path: string): SecretFinding | undefined => secrets.find((s) => s.id === id && s.location.kind === 'file' && s.location.path === path)

  it('finds the AWS key pair in the file deleted by the later layer, and says so', () => {
    for (const id of ['aws-access-key-id', 'aws-secret-access-key']) {
      const f = fileSecret(id, 'root/.aws/credentials')
      assert.ok(f, `${id} not found: ${JSON.stringify(secrets.map((s) => s.id))}`)
      assert.equal(f.severity, 'CRITICAL')
      assert.equal(f.location.kind === 'file' && f.location.deletedLater, true)
      assert.equal(f.location.kind === 'file' && f.location.layerIndex, 1)
      assert.match(f.location.kind === 'file' ? (f.location.diffId ?? '') : '', /^sha256:[0-9a-f]{64}$/)
    }
    assert.equal(fileSecret('aws-access-key-id', 'root/.aws/credentials')?.line, 2)
    assert.equal(fileSecret('aws-access-key-id', 'root/.aws/credentials')?.match, 'AKIA****')
  })

  it('finds the private key, the .npmrc token, the ENV password and the token in the RUN line', () => {
    assert.equal(fileSecret('private-key', 'root/.ssh/id_rsa')?.severity, 'HIGH')
    const npm = fileSecret('npm-access-token', 'home/app/.npmrc')
    assert.deepEqual([npm?.severity, npm?.match, npm?.line], ['CRITICAL', 'npm_****', 1])
    const env = secrets.find((s) => s.location.kind === 'config' && /^config\.Env\[\d+\]$/.test(s.location.field))
    assert.deepEqual([env?.id, env?.severity, env?.match], ['generic-secret-assignment', 'HIGH', 'myse****'])
    const run = secrets.find((s) => s.id === 'github-pat')
    assert.ok(run && run.location.kind === 'config' && /^history\[\d+\]\.created_by$/.test(run.location.field), JSON.stringify(run))
  })

  it('finds the image misconfigurations: root, no healthcheck, secret in ENV, setuid, world-writable', () => {
    const by = (id: string): MisconfigFinding[] => misconfigs.filter((m) => m.id === id)
    assert.equal(by('CIS-DI-0001')[0]?.severity, 'HIGH')
    assert.equal(by('CIS-DI-0006').length, 1)
    const env = by('CIS-DI-0010')[0]
    assert.deepEqual([env?.severity, env?.location?.kind], ['CRITICAL', 'config'])
    const setuid = by('CIS-DI-0008').find((m) => m.location?.kind === 'file' && m.location.path === 'usr/local/bin/suid-tool')
    assert.ok(setuid, JSON.stringify(by('CIS-DI-0008')))
    assert.equal(setuid.location?.kind === 'file' && setuid.location.layerIndex, 1)
    assert.ok(by('DRY-DI-0005').some((m) => m.location?.kind === 'file' && m.location.path === 'etc/app.conf'))
    // buildah records the base as busybox:latest in the manifest annotations.
    assert.ok(by('DKL-DI-0006').length > 0)
  })

  it('the compliance checklist fails no-secrets, non-root and healthcheck, with evidence', () => {
    const report = evaluateCompliance({ reference, config: { rootfs: { type: 'layers', diff_ids: [] }, config: { Env: [] } }, secrets, misconfigs, vulnerabilities: [] })
    const status = Object.fromEntries(report.items.map((i) => [i.id, i.status]))
    assert.deepEqual([status['no-secrets'], status['non-root'], status['healthcheck'], status['scan-reviewed'], status['versioned-tag']], ['fail', 'fail', 'fail', 'pass', 'pass'])
    assert.ok(!formatCompliance(report).includes(planted.password))
  })

  it('no raw secret appears in JSON, table or SARIF output', () => {
    const all = [...secrets, ...misconfigs]
    const sarif = toSarif(all, { toolVersion: '0.0.0-test' })
    assert.equal(sarifValidator()(sarif), undefined)
    const outputs = { json: JSON.stringify(all), table: formatTable(all, reference), sarif: JSON.stringify(sarif) }
    const raw = [planted.awsKeyId, planted.awsSecret, planted.npmToken, planted.githubToken, planted.password, ...planted.privateKeyBody.split('\n')]
    for (const [format, text] of Object.entries(outputs)) {
      for (const r of raw) assert.ok(!text.includes(r), `${format} output contains a raw secret (${r.slice(0, 4)}…)`)
    }
    assert.match(outputs.table, /deleted in a later layer/)
  })
})
