// The oci-layout source on every shared test image, cross-checked with skopeo (an independent
// reader): manifest digest, config digest, layer digests; multi-arch platform selection.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../../testkit/repo-paths.ts'
import { isImageError } from '../image-errors.ts'
import { parseImageSource } from '../parse-image-source.ts'
import { run } from '../testing/layer-fixtures.ts'

requireTestdata()
const images = (await readdir(IMAGES_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()

async function tagOf(dir: string): Promise<string> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { annotations?: Record<string, string> }[] }
  const tag = index.manifests[0]?.annotations?.['org.opencontainers.image.ref.name']
  assert.ok(tag, `${dir} has no ref.name`)
  return tag
}

async function skopeoInspect(ref: string, arch?: string): Promise<{ digest: string; layers: string[]; configDigest: string }> {
  const extra = arch ? ['--override-arch', arch] : []
  const info = JSON.parse(await run('skopeo', ['inspect', ...extra, ref])) as { Digest: string; Layers: string[] }
  const config = await run('skopeo', ['inspect', ...extra, '--config', '--raw', ref])
  return { digest: info.Digest, layers: info.Layers, configDigest: `sha256:${createHash('sha256').update(config).digest('hex')}` }
}

describe('oci-layout source', () => {
  it('sees every test image', () => assert.ok(images.length >= 11, `found ${images.join(', ')}`))

  for (const name of images.filter((n) => n !== 'multiarch-busybox')) {
    it(`${name}: same manifest, config and layers as skopeo`, async () => {
      const dir = join(IMAGES_DIR, name)
      const tag = await tagOf(dir)
      const expected = await skopeoInspect(`oci:${dir}:${tag}`)
      for (const ref of [`oci:${dir}:${tag}`, `oci:${dir}`]) {
        const source = await parseImageSource(ref)
        const [image, ...more] = await source.resolve()
        assert.ok(image)
        assert.equal(more.length, 0)
        assert.equal(image.manifestDigest, expected.digest)
        assert.equal(image.manifest.config.digest, expected.configDigest)
        assert.deepEqual(image.manifest.layers.map((l) => l.digest), expected.layers)
        const config = await source.readConfig(image.manifest)
        assert.equal(config.rootfs.diff_ids.length, image.manifest.layers.length)
        assert.equal(config.os, 'linux')
        await source.close()
      }
    })
  }

  it('streams a blob and verifies it', async () => {
    const source = await parseImageSource(`oci:${join(IMAGES_DIR, 'busybox')}:1`)
    const [image] = await source.resolve()
    const layer = image?.manifest.layers[0]
    assert.ok(layer)
    const h = createHash('sha256')
    let n = 0
    for await (const c of source.openBlob(layer)) {
      h.update(c as Buffer)
      n += (c as Buffer).length
    }
    assert.equal(`sha256:${h.digest('hex')}`, layer.digest)
    assert.equal(n, layer.size)
    // A descriptor with a wrong size fails the stream.
    await assert.rejects(async () => {
      for await (const _ of source.openBlob({ ...layer, size: layer.size - 1 })) void _
    }, (err) => isImageError(err, 'DIGEST_MISMATCH'))
  })

  it('unknown tag and missing layout are clear errors', async () => {
    const s = await parseImageSource(`oci:${join(IMAGES_DIR, 'busybox')}:nope`)
    await assert.rejects(s.resolve(), (err) => isImageError(err, 'IMAGE_NOT_FOUND') && /nope/.test(err.message))
    const m = await parseImageSource('oci:/nonexistent/layout')
    await assert.rejects(m.resolve(), (err) => isImageError(err, 'IMAGE_NOT_FOUND'))
  })

  describe('multiarch-busybox (nested index)', () => {
    const ref = `oci:${join(IMAGES_DIR, 'multiarch-busybox')}:1`
    for (const arch of ['amd64', 'arm64']) {
      it(`linux/${arch} picks the ${arch} manifest`, async () => {
        const expected = await skopeoInspect(ref, arch)
        const source = await parseImageSource(ref)
        const [image, ...more] = await source.resolve({ platform: `linux/${arch}` })
        assert.ok(image)
        assert.equal(more.length, 0)
        assert.equal(image.platform?.architecture, arch)
        assert.equal(image.manifest.config.digest, expected.configDigest)
        assert.equal((await source.readConfig(image.manifest)).architecture, arch)
      })
    }
    it('defaults to the host platform (linux/amd64 here)', async () => {
      const [image] = await (await parseImageSource(ref)).resolve()
      assert.equal(image?.platform?.architecture, process.arch === 'arm64' ? 'arm64' : 'amd64')
    })
    it("'all' gives both images", async () => {
      const all = await (await parseImageSource(ref)).resolve({ platform: 'all' })
      assert.deepEqual(all.map((i) => `${i.platform?.os}/${i.platform?.architecture}`).sort(), ['linux/amd64', 'linux/arm64'])
      assert.notEqual(all[0]?.manifestDigest, all[1]?.manifestDigest)
    })
    it('an unknown platform is a clear error listing what exists', async () => {
      const source = await parseImageSource(ref)
      await assert.rejects(source.resolve({ platform: 'linux/s390x' }), (err) => isImageError(err, 'PLATFORM_NOT_FOUND') && /linux\/amd64/.test(err.message))
      await assert.rejects(source.resolve({ platform: 'linux' }), (err) => isImageError(err, 'SOURCE_INVALID'))
    })
  })
})
