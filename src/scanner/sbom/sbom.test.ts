import { test } from 'node:test'
import assert from 'node:assert/strict'
import { digestOf } from '../../oci/digest.ts'
import type { PackageRecord } from '../model/package.ts'
import { toCycloneDx } from './cyclonedx.ts'
import { toSpdx } from './spdx.ts'
import { cyclonedxValidator, spdxValidator } from '../report/testing/report-schemas.ts'
import { normalizeLicense } from './licenses.ts'
import type { SbomContext, SbomInput } from './sbom-input.ts'

const diffId = digestOf('layer-1')
const ctx: SbomContext = { now: new Date('2026-01-02T03:04:05.678Z'), uuid: '3e671687-395b-41f5-a30f-a58921a69b79', toolName: 'drydock', toolVersion: '0.1.0' }

function pkg(over: Partial<PackageRecord> & Pick<PackageRecord, 'name' | 'version' | 'type' | 'purl'>): PackageRecord {
  return { licenses: [], locations: [{ path: 'lib/apk/db/installed', diffId }], ...over }
}

const input: SbomInput = {
  image: { reference: 'oci:images/alpine-3.19', name: 'test/alpine', manifestDigest: digestOf('manifest'), configDigest: digestOf('config'), tag: '3.19.4', architecture: 'amd64' },
  os: { family: 'alpine', version: '3.19.4', release: '3.19' },
  packages: [
    pkg({ name: 'musl', version: '1.2.4_git20230717-r4', type: 'apk', purl: 'pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64', licenses: ['MIT'], sourceName: 'musl' }),
    pkg({ name: 'busybox', version: '1.36.1-r19', type: 'apk', purl: 'pkg:apk/alpine/busybox@1.36.1-r19?arch=x86_64', licenses: ['GPL-2.0-only'] }),
    pkg({ name: 'ssl_client', version: '1.36.1-r19', type: 'apk', purl: 'pkg:apk/alpine/ssl_client@1.36.1-r19?arch=x86_64', licenses: ['GPL-2.0-only AND MIT'] }),
    pkg({ name: 'libc-utils', version: '0.7.2-r5', type: 'apk', purl: 'pkg:apk/alpine/libc-utils@0.7.2-r5?arch=x86_64', licenses: ['BSD-2-Clause AND BSD-3-Clause'] }),
    pkg({ name: 'tzdata', version: '2024a-r0', type: 'deb', purl: 'pkg:deb/debian/tzdata@2024a-r0', licenses: ['public domain, see copyright'] }),
    pkg({ name: 'lodash', version: '4.17.15', type: 'npm', purl: 'pkg:npm/lodash@4.17.15', licenses: ['MIT'], locations: [{ path: 'app/node_modules/lodash/package.json', diffId }] }),
    pkg({ name: 'lodash', version: '4.17.15', type: 'npm', purl: 'pkg:npm/lodash@4.17.15', licenses: ['MIT'], locations: [{ path: 'other/node_modules/lodash/package.json', diffId }] }),
  ],
}

test('CycloneDX 1.6 output validates against the published schema', () => {
  const bom = toCycloneDx(input, ctx)
  assert.equal(cdxValidator()(bom), undefined)
  const components = bom['components'] as Array<Record<string, unknown>>
  assert.equal(components.length, input.packages.length + 1)
  const refs = components.map((c) => c['bom-ref'])
  assert.equal(new Set(refs).size, refs.length, 'bom-refs are unique even for a repeated purl')
  const ssl = components.find((c) => c['name'] === 'ssl_client')
  assert.deepEqual(ssl?.['licenses'], [{ expression: 'GPL-2.0-only AND MIT' }])
})

test('the CycloneDX schema check really rejects a broken document', () => {
  const bom = toCycloneDx(input, ctx)
  const broken = { ...bom, components: [{ type: 'library', name: 'x', version: 1 }] }
  assert.notEqual(cdxValidator()(broken), undefined)
})

const spdxErrors = (doc: unknown): string | undefined => spdxValidator()(doc)
const cdxValidator = cyclonedxValidator

test('SPDX 2.3 output validates against the SPDX 2.3 document structure', () => {
  assert.equal(spdxErrors(toSpdx(input, ctx)), undefined)
})

test('the SPDX check really rejects broken documents', () => {
  const doc = toSpdx(input, ctx)
  assert.notEqual(spdxErrors({ ...doc, packages: [{ SPDXID: 'SPDXRef-x', name: 'x' }] }), undefined, 'missing downloadLocation')
  assert.notEqual(spdxErrors({ ...doc, extra: 1 }), undefined, 'unknown property')
  const pkgs = doc['packages'] as Array<Record<string, unknown>>
  assert.notEqual(spdxErrors({ ...doc, packages: [{ ...pkgs[0], licenseDeclared: 'GPLv2+ and stuff' }] }), undefined)
  assert.notEqual(spdxErrors({ ...doc, packages: [{ ...pkgs[0], primaryPackagePurpose: 'OPERATING-SYSTEM' }] }), undefined)
})

test('SPDX 2.3 output: unique SPDXIDs, every package related to the image', () => {
  const doc = toSpdx(input, ctx)
  assert.equal(doc['spdxVersion'], 'SPDX-2.3')
  assert.equal(doc['dataLicense'], 'CC0-1.0')
  const packages = doc['packages'] as Array<Record<string, unknown>>
  const ids = packages.map((p) => p['SPDXID'] as string)
  assert.equal(new Set(ids).size, ids.length)
  for (const id of ids) assert.match(id, /^SPDXRef-[A-Za-z0-9.-]+$/)
  const related = new Set((doc['relationships'] as Array<Record<string, string>>).map((r) => r['relatedSpdxElement']))
  for (const id of ids) assert.ok(related.has(id), `${id} is related`)
  const tz = packages.find((p) => p['name'] === 'tzdata')
  assert.match(String(tz?.['licenseDeclared']), /^LicenseRef-public-domain-see-copyright$/)
  const extracted = doc['hasExtractedLicensingInfos'] as Array<Record<string, string>>
  assert.deepEqual(extracted.map((e) => e['licenseId']), ['LicenseRef-public-domain-see-copyright'])
})

test('licences are SPDX ids only when they really are', () => {
  assert.deepEqual(normalizeLicense('mit'), { kind: 'id', id: 'MIT' })
  assert.deepEqual(normalizeLicense('GPL-2.0-or-later'), { kind: 'id', id: 'GPL-2.0-or-later' })
  assert.deepEqual(normalizeLicense('MIT or Apache-2.0'), { kind: 'expression', expression: 'MIT OR Apache-2.0' })
  assert.deepEqual(normalizeLicense('GPLv2+'), { kind: 'name', name: 'GPLv2+' })
  assert.deepEqual(normalizeLicense('Foo AND Bar'), { kind: 'name', name: 'Foo AND Bar' })
  assert.equal(normalizeLicense('  '), undefined)
})

test('a package without a purl (a manifest-only jar) is listed with its path and no purl', () => {
  const jar = (path: string): PackageRecord => pkg({ name: 'Commons Collections', version: '3.2.2', type: 'java-archive', purl: '', locations: [{ path, diffId }] })
  const withJars: SbomInput = { ...input, packages: [...input.packages, jar('usr/share/java/commons-collections3-3.2.2.jar'), jar('opt/app/lib/commons-collections3-3.2.2.jar')] }
  const bom = toCycloneDx(withJars, ctx)
  assert.equal(cdxValidator()(bom), undefined)
  const components = (bom['components'] as Array<Record<string, unknown>>).filter((c) => c['name'] === 'Commons Collections')
  assert.equal(components.length, 2)
  for (const c of components) assert.equal('purl' in c, false, JSON.stringify(c))
  const refs = (bom['components'] as Array<Record<string, unknown>>).map((c) => c['bom-ref'])
  assert.equal(new Set(refs).size, refs.length)
  assert.ok(refs.every((r) => typeof r === 'string' && r !== ''))
  const doc = toSpdx(withJars, ctx)
  assert.equal(spdxErrors(doc), undefined)
  const spdxJars = (doc['packages'] as Array<Record<string, unknown>>).filter((p) => p['name'] === 'Commons Collections')
  assert.equal(spdxJars.length, 2)
  for (const p of spdxJars) assert.equal(p['externalRefs'], undefined, JSON.stringify(p))
})
