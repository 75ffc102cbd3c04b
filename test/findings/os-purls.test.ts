/**
 * OS package purls of the shared real images carry the `distro` qualifier (family and, for
 * Debian and Ubuntu, the major release as Syft writes it, else the full version), so that SBOM
 * consumers can tell a Debian 12 openssl from a Debian 11 one. The SBOMs made from them still
 * validate against the CycloneDX 1.6 and SPDX 2.3 schemas, and ignore/VEX purls without
 * qualifiers still match them.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { builtinAnalyzers } from '../../src/scanner/analyzers/builtin.ts'
import { parseImageSource } from '../../src/scanner/image/parse-image-source.ts'
import { analyzeImage, type ImageInventory } from '../../src/scanner/pipeline/analyze-image.ts'
import { cyclonedxValidator, spdxValidator } from '../../src/scanner/report/testing/report-schemas.ts'
import { purlMatches } from '../../src/scanner/scan/purl-match.ts'
import { toCycloneDx } from '../../src/scanner/sbom/cyclonedx.ts'
import type { SbomInput } from '../../src/scanner/sbom/sbom-input.ts'
import { toSpdx } from '../../src/scanner/sbom/spdx.ts'
import { IMAGES_DIR } from '../../src/testkit/repo-paths.ts'

async function inventoryOf(name: string, tag: string): Promise<ImageInventory> {
  const source = await parseImageSource(`oci:${join(IMAGES_DIR, name)}:${tag}`)
  try {
    return await analyzeImage(source, { analyzers: builtinAnalyzers })
  } finally {
    await source.close()
  }
}

function sbomInput(inv: ImageInventory): SbomInput {
  return {
    image: { reference: inv.image.reference, name: 'test/image', manifestDigest: inv.image.manifestDigest },
    ...(inv.os ? { os: inv.os } : {}),
    packages: inv.packages,
  }
}

const ctx = { now: new Date('2026-12-01T00:00:00Z'), uuid: '6f1f2d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', toolName: 'drydock', toolVersion: '0.0.0-test' }

describe('OS package purls carry the distro qualifier', () => {
  const cases: [string, string, string, RegExp][] = [
    ['debian-bookworm-slim', 'bookworm-slim', 'deb', /^pkg:deb\/debian\/[^?]+\?arch=(?:amd64|all)&distro=debian-12$/],
    ['alpine-3.19', '3.19.4', 'apk', /^pkg:apk\/alpine\/[^?]+\?arch=x86_64&distro=alpine-3\.19\.4$/],
    ['centos-7-rpmdb', '7.5.1804-rpmdb', 'rpm', /^pkg:rpm\/centos\/[^?]+\?arch=[a-z0-9_]+&distro=centos-7\.5\.1804(?:&epoch=\d+)?$/],
  ]
  for (const [image, tag, type, shape] of cases) {
    it(`${image}: every ${type} purl, and the SBOMs validate`, async () => {
      const inv = await inventoryOf(image, tag)
      const pkgs = inv.packages.filter((p) => p.type === type)
      assert.ok(pkgs.length > 10, `${pkgs.length} ${type} packages`)
      const bad = pkgs.filter((p) => !shape.test(p.purl)).map((p) => p.purl)
      assert.deepEqual(bad, [])
      assert.equal(cyclonedxValidator()(toCycloneDx(sbomInput(inv), ctx)), undefined)
      assert.equal(spdxValidator()(toSpdx(sbomInput(inv), ctx)), undefined)
    })
  }

  it('ignore and VEX purls without qualifiers (or with the same distro) still match', async () => {
    const inv = await inventoryOf('debian-bookworm-slim', 'bookworm-slim')
    const zlib = inv.packages.find((p) => p.name === 'zlib1g')
    assert.equal(zlib?.purl, 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12')
    assert.ok(purlMatches('pkg:deb/debian/zlib1g', zlib.purl))
    assert.ok(purlMatches('pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1', zlib.purl))
    assert.ok(purlMatches('pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?distro=debian-12', zlib.purl))
    assert.ok(!purlMatches('pkg:deb/debian/zlib1g?distro=debian-11', zlib.purl))
  })
})
