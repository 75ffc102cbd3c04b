// oci-archive (tar -cf of a layout) and docker-archive (written by skopeo) give the same
// inventory and file view as the layout they were made from.
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../testkit/repo-paths.ts'
import { builtinAnalyzers } from '../analyzers/builtin.ts'
import { analyzeImage, type ImageInventory } from '../pipeline/analyze-image.ts'
import { isImageError } from './image-errors.ts'
import { parseImageSource } from './parse-image-source.ts'
import { run, withTempDir } from './testing/layer-fixtures.ts'

requireTestdata()

/** What must not depend on the transport: blob digests and media types may (docker-archive stores plain tars). */
function comparable(inv: ImageInventory) {
  return {
    diffIds: inv.image.layers.map((l) => l.diffId),
    configRootfs: inv.image.config.rootfs,
    os: inv.os,
    packages: inv.packages.map((p) => ({ ...p, locations: p.locations.map(({ layerDigest: _, ...l }) => l) })),
    unknowns: inv.unknowns,
    layerFiles: inv.layerFiles.map(({ digest: _, ...l }) => l),
  }
}

describe('archive sources', () => {
  for (const [name, tag] of [['python-app', '1.0.0'], ['alpine-3.20', '3.20.3']] as const) {
    it(`${name}: oci-archive and docker-archive match the layout`, async () => {
      await withTempDir(async (dir) => {
        const layout = `oci:${join(IMAGES_DIR, name)}:${tag}`
        const expected = await analyzeImage(await parseImageSource(layout), { analyzers: builtinAnalyzers })

        const ociTar = join(dir, 'image.oci.tar')
        await run('tar', ['-cf', ociTar, '-C', join(IMAGES_DIR, name), '.'])
        const viaOci = await analyzeImage(await parseImageSource(`oci-archive:${ociTar}:${tag}`), { analyzers: builtinAnalyzers })
        assert.deepEqual(viaOci, { ...expected, image: { ...expected.image, reference: `oci-archive:${ociTar}:${tag}` } })

        const dockerTar = join(dir, 'image.docker.tar')
        await run('skopeo', ['copy', '--quiet', layout, `docker-archive:${dockerTar}:test/${name}:${tag}`])
        const viaDocker = await analyzeImage(await parseImageSource(`docker-archive:${dockerTar}`), { analyzers: builtinAnalyzers })
        assert.deepEqual(comparable(viaDocker), comparable(expected))
        assert.equal(viaDocker.image.configDigest, expected.image.configDigest)
        const named = await analyzeImage(await parseImageSource(`docker-archive:${dockerTar}:test/${name}:${tag}`), { analyzers: builtinAnalyzers })
        assert.equal(named.image.manifestDigest, viaDocker.image.manifestDigest)
        await assert.rejects(parseImageSource(`docker-archive:${dockerTar}:other:tag`), (err) => isImageError(err, 'IMAGE_NOT_FOUND'))
      })
    })
  }

  it('docker-archive in the newer form (OCI layout inside, blobs/sha256 paths) and an oci-archive of a nested index', async () => {
    await withTempDir(async (dir) => {
      const expected = await analyzeImage(await parseImageSource(`oci:${join(IMAGES_DIR, 'python-app')}:1.0.0`), { analyzers: builtinAnalyzers })
      const copy = join(dir, 'layout')
      await run('cp', ['-r', join(IMAGES_DIR, 'python-app'), copy])
      await run('chmod', ['-R', 'u+w', copy])
      const manifest = JSON.parse(await readFile(join(copy, 'blobs', 'sha256', expected.image.manifestDigest.slice(7)), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] }
      const blob = (d: string) => `blobs/sha256/${d.slice(7)}`
      await writeFile(join(copy, 'manifest.json'), JSON.stringify([{ Config: blob(manifest.config.digest), RepoTags: ['python-app:1.0.0'], Layers: manifest.layers.map((l) => blob(l.digest)) }]))
      const archive = join(dir, 'new-form.tar')
      await run('tar', ['-cf', archive, '-C', copy, '.'])
      const got = await analyzeImage(await parseImageSource(`docker-archive:${archive}:python-app:1.0.0`), { analyzers: builtinAnalyzers })
      assert.deepEqual(comparable(got), comparable(expected))
      assert.deepEqual(got.image.layers.map((l) => l.digest), expected.image.layers.map((l) => l.digest))

      const multi = join(dir, 'multi.tar')
      await run('tar', ['-cf', multi, '-C', join(IMAGES_DIR, 'multiarch-busybox'), '.'])
      const all = await (await parseImageSource(`oci-archive:${multi}:1`)).resolve({ platform: 'all' })
      assert.deepEqual(all.map((i) => i.platform?.architecture).sort(), ['amd64', 'arm64'])
    })
  })

  it('a compressed or missing archive is a clear error', async () => {
    await withTempDir(async (dir) => {
      const gz = join(dir, 'x.tar.gz')
      await run('sh', ['-c', `tar -czf ${gz} -C ${join(IMAGES_DIR, 'busybox')} .`])
      await assert.rejects(parseImageSource(`oci-archive:${gz}`), (err) => isImageError(err, 'UNSUPPORTED_MEDIA_TYPE'))
      await assert.rejects(parseImageSource(`docker-archive:${join(dir, 'nope.tar')}`), (err) => isImageError(err, 'IMAGE_NOT_FOUND'))
    })
  })
})
