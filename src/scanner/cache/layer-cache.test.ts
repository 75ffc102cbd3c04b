// One conformance suite run for both LayerCache implementations, plus the key's sensitivity.
import assert from 'node:assert/strict'
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { Digest } from '../../oci/digest.ts'
import type { LayerAnalysis } from '../image/layer-analysis.ts'
import { DEFAULT_SCAN_LIMITS } from '../image/scan-limits.ts'
import { withTempDir } from '../image/testing/layer-fixtures.ts'
import { FsLayerCache } from './fs-layer-cache.ts'
import { layerCacheKey, type LayerCache } from './layer-cache.ts'
import { MemoryLayerCache } from './memory-layer-cache.ts'

const diffId = `sha256:${'ab'.repeat(32)}` as Digest
/** The layer's compressed blob: what the cache is keyed by (layer-cache.ts). */
const blob = `sha256:${'ef'.repeat(32)}` as Digest
const analyzers = [{ name: 'dpkg', version: 1, maxFileSize: 100 }, { name: 'apk', version: 2, maxFileSize: 100 }]
const sample: LayerAnalysis = {
  diffId,
  files: [{ path: 'etc/os-release', type: 'file', size: 10, mode: 0o644, uid: 0, gid: 0 }],
  whiteouts: ['tmp/x'],
  opaqueDirs: [],
  results: [{ path: 'etc/os-release', analyzer: 'os-release', result: { osCandidate: { source: 'etc/os-release', family: 'debian' } } }],
  unknowns: [],
  uncompressedBytes: 2048,
}

function suite(name: string, make: (dir: string) => LayerCache): void {
  describe(`${name} layer cache`, () => {
    it('misses, stores, returns an equal copy, overwrites', async () => {
      await withTempDir(async (dir) => {
        const cache = make(dir)
        const key = layerCacheKey(blob, analyzers, DEFAULT_SCAN_LIMITS)
        assert.equal(await cache.get(key), undefined)
        await cache.put(key, sample)
        const got = await cache.get(key)
        assert.deepEqual(got, sample)
        assert.notEqual(got, sample, 'callers get their own copy')
        await Promise.all([cache.put(key, { ...sample, uncompressedBytes: 1 }), cache.put(key, { ...sample, uncompressedBytes: 1 })])
        assert.equal((await cache.get(key))?.uncompressedBytes, 1)
      })
    })
  })
}

suite('memory', () => new MemoryLayerCache())
suite('filesystem', (dir) => new FsLayerCache(join(dir, 'cache')))

describe('layer cache key', () => {
  const base = layerCacheKey(blob, analyzers, DEFAULT_SCAN_LIMITS)
  it('changes with the blob digest, an analyzer version, the analyzer set and the limits; not with list order', () => {
    assert.match(base, /^sha256-[a-f0-9]{64}$/)
    assert.notEqual(layerCacheKey(`sha256:${'cd'.repeat(32)}` as Digest, analyzers, DEFAULT_SCAN_LIMITS), base)
    assert.notEqual(layerCacheKey(blob, [{ ...analyzers[0]!, version: 2 }, analyzers[1]!], DEFAULT_SCAN_LIMITS), base)
    assert.notEqual(layerCacheKey(blob, [analyzers[0]!], DEFAULT_SCAN_LIMITS), base)
    assert.notEqual(layerCacheKey(blob, analyzers, { ...DEFAULT_SCAN_LIMITS, maxFileBytes: 1 }), base)
    assert.equal(layerCacheKey(blob, [...analyzers].reverse(), DEFAULT_SCAN_LIMITS), base)
  })

  it('the filesystem cache refuses foreign keys and drops corrupt entries', async () => {
    await withTempDir(async (dir) => {
      const cache = new FsLayerCache(dir)
      await assert.rejects(cache.get('../../etc/passwd'), /invalid layer cache key/)
      await cache.put(base, sample)
      const sub = join(dir, 'layers', base.slice(7, 9))
      const [file] = await readdir(sub)
      assert.ok(file)
      await writeFile(join(sub, file), '{"diffId": 1}')
      assert.equal(await cache.get(base), undefined)
      assert.deepEqual(await readdir(sub), [])
    })
  })

  it('entries are bounded in size, and the filesystem cache keeps the free-space floor', async () => {
    const big: LayerAnalysis = { ...sample, files: Array.from({ length: 2000 }, (_, i) => ({ ...sample.files[0]!, path: `f/${i}` })) }
    const bytes = Buffer.byteLength(JSON.stringify(big))
    await withTempDir(async (dir) => {
      const bounded = new FsLayerCache(join(dir, 'a'), { maxEntryBytes: bytes - 1 })
      await bounded.put(base, big)
      assert.equal(await bounded.get(base), undefined, 'an entry over the bound is not written')
      await bounded.put(base, sample)
      assert.deepEqual(await bounded.get(base), sample, 'a small one is')

      let free = bytes + 1000
      const floored = new FsLayerCache(join(dir, 'b'), { minFreeBytes: 1000, freeSpace: async () => free })
      await floored.put(base, big)
      assert.ok(await floored.get(base), 'written while it leaves the floor free')
      free = bytes + 999
      const other = layerCacheKey(`sha256:${'01'.repeat(32)}` as Digest, analyzers, DEFAULT_SCAN_LIMITS)
      await floored.put(other, big)
      assert.equal(await floored.get(other), undefined, 'not written when it would eat into the floor')
      assert.deepEqual(await readdir(join(dir, 'b', 'layers', other.slice(7, 9))).catch(() => []), [], 'and no temp file is left')
    })
    const memory = new MemoryLayerCache(10, bytes - 1)
    await memory.put(base, big)
    assert.equal(await memory.get(base), undefined)
  })

  it('the memory cache evicts the least recently used entry', async () => {
    const cache = new MemoryLayerCache(2)
    const k = (n: number) => layerCacheKey(`sha256:${String(n).repeat(64)}` as Digest, analyzers, DEFAULT_SCAN_LIMITS)
    await cache.put(k(1), sample)
    await cache.put(k(2), sample)
    await cache.get(k(1))
    await cache.put(k(3), sample)
    assert.ok(await cache.get(k(1)))
    assert.equal(await cache.get(k(2)), undefined)
  })
})
