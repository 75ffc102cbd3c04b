// The pipeline end to end on layouts built in the test with GNU tar, gzip and zstd: whiteouts,
// opaque directories, a package DB rewritten in an upper layer, OS-owned language packages,
// progress, and the layer cache (counted analyzer calls).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { AnalysisInput, Analyzer } from '../analyzers/analyzer.ts'
import { FsLayerCache } from '../cache/fs-layer-cache.ts'
import { MemoryLayerCache } from '../cache/memory-layer-cache.ts'
import { FileView } from '../image/file-view.ts'
import { parseImageSource } from '../image/parse-image-source.ts'
import { gnuTar, writeLayout } from '../image/testing/layout-builder.ts'
import { withTempDir } from '../image/testing/layer-fixtures.ts'
import type { PackageRecord } from '../model/package.ts'
import { analyzeImage, type AnalyzeProgress } from './analyze-image.ts'

/** Reads `name version [owned-path...]` lines: a stand-in for a real package DB parser. */
function fakeDbAnalyzer(): Analyzer & { calls: string[] } {
  const calls: string[] = []
  return {
    name: 'fake-db', version: 1, maxFileSize: 1 << 20, calls,
    required: (path) => path === 'var/lib/fake/status',
    async analyze(input: AnalysisInput) {
      calls.push(`${input.diffId}:${input.path}`)
      const packages: PackageRecord[] = Buffer.from(input.content).toString('utf8').trim().split('\n').map((line) => {
        const [name = '', version = '', ...files] = line.split(' ')
        return { name, version, type: 'deb', purl: `pkg:deb/test/${name}@${version}`, licenses: [], locations: [], installedFiles: files }
      })
      return { packages }
    },
  }
}

function fakeOsAnalyzer(): Analyzer {
  return {
    name: 'fake-os', version: 1, maxFileSize: 4096,
    required: (path) => path === 'etc/fake-release',
    async analyze(input) {
      const [version = ''] = Buffer.from(input.content).toString('utf8').trim().split('\n')
      return { os: { family: 'debian', version, release: version.split('.')[0] ?? version } }
    },
  }
}

function fakePyAnalyzer(): Analyzer {
  return {
    name: 'fake-py', version: 1, maxFileSize: 4096,
    required: (path) => path.endsWith('/PKG-INFO'),
    async analyze(input) {
      const name = /Name: (\S+)/.exec(Buffer.from(input.content).toString())?.[1] ?? '?'
      return { packages: [{ name, version: '1.0', type: 'python', purl: `pkg:pypi/${name}@1.0`, licenses: [], locations: [{ path: input.path }] }] }
    },
  }
}

async function threeLayerImage(dir: string): Promise<string> {
  const l1 = await gnuTar(dir, {
    etc: { dir: true }, 'etc/a': 'a', 'etc/b': 'b', 'etc/fake-release': '12\n',
    'var/lib/fake/status': 'base 1\n',
    'opt/dir/x': 'x', 'opt/dir/y': 'y', 'opt/gone/deep/file': 'd',
    'srv/s': 'secret in layer 1',
  })
  const l2 = await gnuTar(dir, {
    'etc/.wh.a': '', 'opt/dir/.wh..wh..opq': '', 'opt/dir/z': 'z', 'opt/.wh.gone': '',
    'var/lib/fake/status': 'base 1\npython3-foo 2 /usr/lib/py/Foo.egg-info/PKG-INFO\n',
    'etc/fake-release': '12.15\n',
    'usr/lib/py/Foo.egg-info/PKG-INFO': 'Name: Foo\n', 'usr/lib/py/Bar.egg-info/PKG-INFO': 'Name: Bar\n',
  })
  const l3 = await gnuTar(dir, { 'srv/.wh.s': '', 'srv/t': 't' })
  return await writeLayout(join(dir, 'layout'), [{ tar: l1, compression: 'gzip' }, { tar: l2, compression: 'zstd' }, { tar: l3, compression: 'none' }])
}

describe('analyzeImage', () => {
  it('applies whiteouts, opaque dirs and an upper package DB; keeps what lower layers held', async () => {
    await withTempDir(async (dir) => {
      const source = await parseImageSource(await threeLayerImage(dir))
      const db = fakeDbAnalyzer()
      const progress: AnalyzeProgress[] = []
      const inv = await analyzeImage(source, { analyzers: [fakeOsAnalyzer(), db, fakePyAnalyzer()], onProgress: (p) => progress.push(p) })
      assert.equal(inv.image.layers.length, 3)
      assert.equal(db.calls.length, 2, 'the DB file of both layers is analysed')
      // Layer 2's status replaces layer 1's: `base` once, from layer 2 only.
      const deb = inv.packages.filter((p) => p.type === 'deb')
      assert.deepEqual(deb.map((p) => p.name), ['base', 'python3-foo'])
      assert.ok(deb.every((p) => p.locations.length === 1 && p.locations[0]?.diffId === inv.image.layers[1]?.diffId && p.locations[0]?.layerDigest === inv.image.layers[1]?.digest))
      // Foo's metadata file is owned by python3-foo: reported once, as the OS package. Bar stays.
      assert.deepEqual(inv.packages.filter((p) => p.type === 'python').map((p) => p.name), ['Bar'])
      assert.deepEqual(inv.os, { family: 'debian', version: '12.15', release: '12' })

      const view = FileView.fromLayers(inv.layerFiles)
      assert.equal(view.get('etc/a'), undefined)
      assert.equal(view.get('etc/b')?.layer, 0)
      assert.deepEqual([...view.paths()].filter((p) => p.startsWith('opt/')).sort(), ['opt/dir/z'])
      assert.equal(view.get('srv/s'), undefined)
      assert.equal(view.get('srv/t')?.layer, 2)
      const l1 = inv.layerFiles[0]
      assert.ok(l1)
      const flag = (p: string) => l1.files.find((f) => f.path === p)
      assert.equal(flag('srv/s')?.deletedLater, true, 'a file deleted later is still listed for its layer')
      assert.equal(flag('etc/a')?.deletedLater, true)
      assert.equal(flag('var/lib/fake/status')?.replacedLater, true)
      assert.equal(flag('etc/b')?.deletedLater, false)
      assert.deepEqual(inv.layerFiles[1]?.opaqueDirs, ['opt/dir'])
      assert.deepEqual([...(inv.layerFiles[1]?.whiteouts ?? [])].sort(), ['etc/a', 'opt/gone'])

      const last = progress.at(-1)
      assert.ok(last)
      assert.equal(last.bytesRead, last.totalBytes)
      assert.equal(last.layersDone, 3)
    })
  })

  it('the memory cache analyses a shared base layer once', async () => {
    await withTempDir(async (dir) => {
      const base = await gnuTar(dir, { 'var/lib/fake/status': 'base 1\n', 'etc/fake-release': '12\n' })
      const refs: string[] = []
      for (let i = 0; i < 5; i++) {
        const top = await gnuTar(dir, { [`app${i}/file`]: `app ${i}` })
        refs.push(await writeLayout(join(dir, `img${i}`), [{ tar: base, compression: 'gzip' }, { tar: top, compression: 'gzip' }]))
      }
      const cache = new MemoryLayerCache()
      const db = fakeDbAnalyzer()
      const inventories = []
      for (const ref of refs) inventories.push(await analyzeImage(await parseImageSource(ref), { analyzers: [db, fakeOsAnalyzer()], cache }))
      assert.equal(db.calls.length, 1, 'base layer analysed once for five images')
      assert.equal(cache.size, 6)
      for (const inv of inventories) assert.deepEqual(inv.packages.map((p) => p.name), ['base'])
      // A new analyzer version changes the key: analysed again.
      const db2 = { ...fakeDbAnalyzer(), version: 2 }
      await analyzeImage(await parseImageSource(refs[0] as string), { analyzers: [db2, fakeOsAnalyzer()], cache })
      assert.equal(cache.size, 8)
    })
  })

  it('the filesystem cache survives a new process-level cache object and ignores corrupt entries', async () => {
    await withTempDir(async (dir) => {
      const ref = await threeLayerImage(dir)
      const cacheDir = join(dir, 'cache')
      const first = fakeDbAnalyzer()
      const a = await analyzeImage(await parseImageSource(ref), { analyzers: [first], cache: new FsLayerCache(cacheDir) })
      const second = fakeDbAnalyzer()
      const b = await analyzeImage(await parseImageSource(ref), { analyzers: [second], cache: new FsLayerCache(cacheDir) })
      assert.equal(first.calls.length, 2)
      assert.equal(second.calls.length, 0)
      assert.deepEqual(b, a)
      const { readdir, writeFile } = await import('node:fs/promises')
      for (const sub of await readdir(join(cacheDir, 'layers'))) {
        for (const f of await readdir(join(cacheDir, 'layers', sub))) await writeFile(join(cacheDir, 'layers', sub, f), '{"truncated')
      }
      const third = fakeDbAnalyzer()
      const c = await analyzeImage(await parseImageSource(ref), { analyzers: [third], cache: new FsLayerCache(cacheDir) })
      assert.equal(third.calls.length, 2)
      assert.deepEqual(c, a)
    })
  })

  it("a cached layer is never used for a blob whose config claims its diff_id (`drydock scan` of local sources)", async () => {
    await withTempDir(async (dir) => {
      const clean = await gnuTar(dir, { 'etc/fake-release': '12\n' })
      const vulnerable = await gnuTar(dir, { 'etc/fake-release': '12\n', 'var/lib/fake/status': 'vulnerable 0.1\n' })
      const { digestOf } = await import('../../oci/digest.ts')
      const { isImageError } = await import('../image/image-errors.ts')
      for (const cache of [new MemoryLayerCache(), new FsLayerCache(join(dir, 'cache'))]) {
        const honest = await writeLayout(join(dir, 'honest'), [{ tar: clean, compression: 'gzip' }])
        await analyzeImage(await parseImageSource(honest), { analyzers: [fakeDbAnalyzer(), fakeOsAnalyzer()], cache })
        // The vulnerable layer under a config that names the clean layer's diff_id: the clean
        // analysis is in the cache, the walk must not be skipped in its favour.
        const lying = await writeLayout(join(dir, 'lying'), [{ tar: vulnerable, compression: 'gzip', claimedDiffId: digestOf(clean) }])
        await assert.rejects(analyzeImage(await parseImageSource(lying), { analyzers: [fakeDbAnalyzer(), fakeOsAnalyzer()], cache }),
          (err) => isImageError(err, 'DIGEST_MISMATCH') && /diff_id/.test(err.message))
        // The reverse: the clean blob under a config naming another layer's diff_id, with the
        // clean blob's analysis cached, fails the same way instead of answering from the cache.
        const reverse = await writeLayout(join(dir, 'reverse'), [{ tar: clean, compression: 'gzip', claimedDiffId: digestOf(vulnerable) }])
        await assert.rejects(analyzeImage(await parseImageSource(reverse), { analyzers: [fakeDbAnalyzer(), fakeOsAnalyzer()], cache }),
          (err) => isImageError(err, 'DIGEST_MISMATCH') && /diff_id/.test(err.message))
      }
    })
  })

  it('cancellation: an abort during the walk rejects promptly with an AbortError', async () => {
    const { IMAGES_DIR } = await import('../../testkit/repo-paths.ts')
    const source = await parseImageSource(`oci:${join(IMAGES_DIR, 'debian-bookworm-slim')}`)
    const ac = new AbortController()
    const t0 = performance.now()
    await assert.rejects(
      analyzeImage(source, { analyzers: [fakeDbAnalyzer()], signal: ac.signal, onProgress: (p) => { if (p.bytesRead > 1_000_000) ac.abort() } }),
      (err) => err instanceof Error && err.name === 'AbortError',
    )
    assert.ok(performance.now() - t0 < 5000)
  })
})
