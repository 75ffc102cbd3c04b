// `drydock sbom` end to end on the shared alpine-3.19 layout.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { IMAGES_DIR } from '../../src/testkit/repo-paths.ts'
import { cyclonedxValidator, spdxValidator } from '../../src/scanner/report/testing/report-schemas.ts'
import { cliSandbox, show, type CliSandbox } from './cli-harness.ts'

const ALPINE = `oci:${join(IMAGES_DIR, 'alpine-3.19')}`
let box: CliSandbox
before(async () => (box = await cliSandbox()))
after(async () => box.close())

type Json = Record<string, any>

test('sbom --format cyclonedx validates and lists the 15 apk packages of alpine 3.19', async () => {
  const r = await box.run(['sbom', ALPINE, '--format', 'cyclonedx'])
  assert.equal(r.code, 0, show(r))
  const bom = JSON.parse(r.stdout) as Json
  assert.equal(cyclonedxValidator()(bom), undefined)
  const apk = (bom['components'] as Json[]).filter((c) => String(c['purl'] ?? '').startsWith('pkg:apk/alpine/'))
  assert.equal(apk.length, 15)
  // Versions from the image README (3.19.4 has busybox 1.36.1-r19, musl 1.2.4_git20230717-r4, zlib 1.3.1-r0).
  const version = (n: string): unknown => apk.find((c) => c['name'] === n)?.['version']
  assert.equal(version('busybox'), '1.36.1-r19')
  assert.equal(version('musl'), '1.2.4_git20230717-r4')
  assert.equal(version('zlib'), '1.3.1-r0')
  assert.equal(version('libcrypto3'), '3.1.7-r0')
  const os = (bom['components'] as Json[]).find((c) => c['type'] === 'operating-system')
  assert.equal(os?.['name'], 'alpine')
})

test('sbom --format spdx, json and table describe the same packages', async () => {
  const spdx = await box.run(['sbom', ALPINE, '--format', 'spdx'])
  assert.equal(spdx.code, 0, show(spdx))
  const doc = JSON.parse(spdx.stdout) as Json
  assert.equal(doc['spdxVersion'], 'SPDX-2.3')
  assert.equal(spdxValidator()(doc), undefined)
  const json = await box.run(['sbom', ALPINE, '--format', 'json', '--output', join(box.dir, 'inv.json')])
  assert.equal(json.code, 0, show(json))
  const { readFile } = await import('node:fs/promises')
  const inv = JSON.parse(await readFile(join(box.dir, 'inv.json'), 'utf8')) as Json
  assert.equal(inv['packages'].length, 15)
  assert.equal(inv['image'].os.family, 'alpine')
  const table = await box.run(['sbom', ALPINE, '--format', 'table'])
  assert.equal(table.code, 0, show(table))
  assert.match(table.stdout, /15 packages/)
  assert.match(table.stdout, /^ssl_client +1\.36\.1-r19 +apk +lib\/apk\/db\/installed$/m)
})

test('sbom usage errors exit 2', async () => {
  for (const args of [['sbom'], ['sbom', ALPINE, '--format', 'swid'], ['sbom', `oci:${join(IMAGES_DIR, 'multiarch-busybox')}`, '--platform', 'linux/s390x'], ['sbom', `oci:${join(box.dir, 'nothing')}`]]) {
    const r = await box.run(args)
    assert.equal(r.code, 2, `${args.join(' ')}: ${show(r)}`)
  }
})

test('SBOMs of images with OS and language packages validate in both formats', async () => {
  for (const image of ['python-app', 'node-app-on-debian']) {
    const ref = `oci:${join(IMAGES_DIR, image)}`
    const spdx = await box.run(['sbom', ref, '--format', 'spdx'])
    assert.equal(spdx.code, 0, show(spdx))
    const doc = JSON.parse(spdx.stdout) as Json
    assert.equal(spdxValidator()(doc), undefined, image)
    const cdx = await box.run(['sbom', ref, '--format', 'cyclonedx'])
    assert.equal(cdx.code, 0, show(cdx))
    const bom = JSON.parse(cdx.stdout) as Json
    assert.equal(cyclonedxValidator()(bom), undefined, image)
    // Every package of the SPDX document is in the CycloneDX one too (image and OS entries aside).
    const spdxPurls = (doc['packages'] as Json[]).flatMap((p) => ((p['externalRefs'] ?? []) as Json[]).map((r) => String(r['referenceLocator']))).filter((p) => !p.startsWith('pkg:oci/'))
    const cdxPurls = new Set((bom['components'] as Json[]).map((c) => String(c['purl'])))
    for (const p of spdxPurls) assert.ok(cdxPurls.has(p), `${image}: ${p} in both`)
  }
})
