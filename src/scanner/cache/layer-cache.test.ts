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
        const key = layerCacheKey(diffId, analyzers, DEFAULT_SCAN_LIMITS)
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
  const base = layerCacheKey(diffId, analyzers, DEFAULT_SCAN_LIMITS)
  it('changes with the diff_id, an analyzer version, the analyzer set and the limits; not with list order', () => {
    assert.match(base, /^sha256-[a-f0-9]{64}$/)
    assert.notEqual(layerCacheKey(`sha256:${'cd'.repeat(32)}` as Digest, analyzers, DEFAULT_SCAN_LIMITS), base)
    assert.notEqual(layerCacheKey(diffId, [{ ...analyzers[0]!, version: 2 }, analyzers[1]!], DEFAULT_SCAN_LIMITS), base)
    assert.notEqual(layerCacheKey(diffId, [analyzers[0]!], DEFAULT_SCAN_LIMITS), base)
    assert.notEqual(layerCacheKey(diffId, analyzers, { ...DEFAULT_SCAN_LIMITS, maxFileBytes: 1 }), base)
    assert.equal(layerCacheKey(diffId, [...analyzers].reverse(), DEFAULT_SCAN_LIMITS), base)
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
