// Integration: the builtin analyzers through the whole pipeline on the shared real images.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../testkit/repo-paths.ts'
import { builtinAnalyzers } from '../analyzers/builtin.ts'
import { parseImageSource } from '../image/parse-image-source.ts'
import { analyzeImage } from './analyze-image.ts'

requireTestdata()
const scan = async (name: string) => analyzeImage(await parseImageSource(`oci:${join(IMAGES_DIR, name)}`), { analyzers: builtinAnalyzers })

describe('builtin analyzers on the real test images', () => {
  it('debian-bookworm-slim: Debian 12, 88 dpkg packages', async () => {
    const inv = await scan('debian-bookworm-slim')
    assert.equal(inv.os?.family, 'debian')
    assert.equal(inv.os?.release, '12')
    assert.equal(inv.os?.version, '12.15')
    const deb = inv.packages.filter((p) => p.type === 'deb')
    assert.equal(deb.length, 88)
    const libc = deb.find((p) => p.name === 'libc6')
    assert.equal(libc?.version, '2.36-9+deb12u14')
    assert.ok(libc?.installedFiles?.includes('lib/x86_64-linux-gnu/libc.so.6'), 'dpkg .list files joined')
    assert.equal(libc?.locations[0]?.layerDigest, inv.image.layers[0]?.digest)
  })

  it("python-app: 122 dpkg packages (layer 2's status replaces layer 1's); dpkg-owned Python packages not repeated", async () => {
    const inv = await scan('python-app')
    assert.equal(inv.os?.release, '12')
    const deb = inv.packages.filter((p) => p.type === 'deb')
    assert.equal(deb.length, 122)
    assert.ok(deb.every((p) => p.locations.every((l) => l.diffId === inv.image.layers[1]?.diffId)), 'every dpkg package comes from layer 2')
    assert.ok(deb.some((p) => p.name === 'python3-jinja2'))
    // Every dist-packages distribution here was installed by apt: reported as Debian packages only.
    assert.deepEqual(inv.packages.filter((p) => p.type === 'python').map((p) => `${p.name} ${p.locations.map((l) => l.path).join()}`), [])
    // Without the dpkg analyzer (no ownership known) the same image shows the nine distributions.
    const pyOnly = await analyzeImage(await parseImageSource(`oci:${join(IMAGES_DIR, 'python-app')}`), { analyzers: builtinAnalyzers.filter((a) => a.name !== 'dpkg') })
    const py = pyOnly.packages.filter((p) => p.type === 'python')
    assert.equal(py.length, 9)
    assert.ok(py.some((p) => p.name === 'Jinja2' && p.version === '3.1.2'))
  })

  it('node-app-on-debian: 88 dpkg + 2 npm packages, Debian from the base layer', async () => {
    const inv = await scan('node-app-on-debian')
    assert.equal(inv.packages.filter((p) => p.type === 'deb').length, 88)
    assert.deepEqual(inv.packages.filter((p) => p.type === 'npm').map((p) => `${p.name}@${p.version}`).sort(), ['lodash@4.17.15', 'minimist@1.2.0'])
    assert.equal(inv.os?.family, 'debian')
  })

  it('alpine-3.20: 14 apk packages; busybox: no OS, no packages', async () => {
    const alpine = await scan('alpine-3.20')
    assert.equal(alpine.os?.family, 'alpine')
    assert.equal(alpine.packages.filter((p) => p.type === 'apk').length, 14)
    const busybox = await scan('busybox')
    assert.equal(busybox.os, undefined)
    assert.equal(busybox.packages.length, 0)
  })
})
