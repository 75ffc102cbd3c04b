// The registry-storage source over a RegistryContentProvider made of plain callbacks (here backed
// by a test layout on disk, the way the registry will back it with its blob store), including
// what happens when the store hands back corrupted content.
import assert from 'node:assert/strict'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../../testkit/repo-paths.ts'
import type { Digest } from '../../../oci/digest.ts'
import { builtinAnalyzers } from '../../analyzers/builtin.ts'
import { analyzeImage } from '../../pipeline/analyze-image.ts'
import { isImageError } from '../image-errors.ts'
import { parseImageSource } from '../parse-image-source.ts'
import type { RegistryContentProvider } from '../source.ts'
import { openRegistryStorage } from './registry-storage-store.ts'

requireTestdata()

function layoutProvider(name: string, corrupt = false): RegistryContentProvider {
  const dir = join(IMAGES_DIR, name)
  const blob = (d: Digest) => join(dir, 'blobs', 'sha256', d.slice(7))
  return {
    async getManifest(repository, reference) {
      if (repository !== `test/${name}`) return undefined
      let digest = reference
      if (!reference.startsWith('sha256:')) {
        const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] }
        const hit = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === reference)
        if (!hit) return undefined
        digest = hit.digest
      }
      return { bytes: await readFile(blob(digest as Digest)) }
    },
    async openBlob(repository, digest) {
      if (repository !== `test/${name}`) return undefined
      if (!corrupt) return createReadStream(blob(digest))
      const bytes = await readFile(blob(digest))
      if (bytes.length > 4096) bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff
      return Readable.from([bytes])
    },
    async hasBlob(repository) {
      return repository === `test/${name}`
    },
  }
}

describe('registry-storage source', () => {
  it('gives the same inventory as the layout', async () => {
    const expected = await analyzeImage(await parseImageSource(`oci:${join(IMAGES_DIR, 'alpine-3.20')}:3.20.3`), { analyzers: builtinAnalyzers })
    const got = await analyzeImage(openRegistryStorage(layoutProvider('alpine-3.20'), 'test/alpine-3.20', '3.20.3'), { analyzers: builtinAnalyzers })
    assert.deepEqual(got, { ...expected, image: { ...expected.image, reference: 'test/alpine-3.20:3.20.3' } })
  })

  it('a layer-cache hit is used only for blobs the repository holds', async () => {
    const { MemoryLayerCache } = await import('../../cache/memory-layer-cache.ts')
    const cache = new MemoryLayerCache()
    const provider = layoutProvider('busybox')
    const first = await analyzeImage(openRegistryStorage(provider, 'test/busybox', '1'), { analyzers: builtinAnalyzers, cache })
    assert.equal(cache.size, first.image.layers.length)
    // The same manifest, but the repository no longer links the layer blob (deleted since).
    const unlinked: RegistryContentProvider = { ...provider, hasBlob: async () => false }
    await assert.rejects(analyzeImage(openRegistryStorage(unlinked, 'test/busybox', '1'), { analyzers: builtinAnalyzers, cache }), (err) => isImageError(err, 'IMAGE_NOT_FOUND'))
  })

  it('unknown tags are IMAGE_NOT_FOUND; corrupted blobs are DIGEST_MISMATCH', async () => {
    await assert.rejects(openRegistryStorage(layoutProvider('busybox'), 'test/busybox', 'nope').resolve(), (err) => isImageError(err, 'IMAGE_NOT_FOUND'))
    const source = openRegistryStorage(layoutProvider('busybox', true), 'test/busybox', '1')
    await assert.rejects(analyzeImage(source, { analyzers: builtinAnalyzers }), (err) => isImageError(err, 'DIGEST_MISMATCH') || isImageError(err, 'LAYER_CORRUPT'))
  })
})
