// Hostile and broken layers: every case ends in a typed error or an Unknown, quickly, with
// bounded memory; nothing hangs, nothing crashes, no path escapes the image root.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { createGzip, gzipSync } from 'node:zlib'
import type { Digest } from '../../oci/digest.ts'
import { FileView } from './file-view.ts'
import { isImageError, type ImageErrorCode } from './image-errors.ts'
import { openLayerStream } from './layer-stream.ts'
import { walkLayer } from './layer-walker.ts'
import { DEFAULT_SCAN_LIMITS, type ScanLimits } from './scan-limits.ts'
import { gnuTar } from './testing/layout-builder.ts'
import { listLayoutLayers, recordingAnalyzer, withTempDir } from './testing/layer-fixtures.ts'
import { fixChecksum, paxEntry, tarBytes, tarHeader, type RawEntry } from './testing/tar-writer.ts'
import type { Analyzer } from '../analyzers/analyzer.ts'

const DIFF = `sha256:${'0'.repeat(64)}` as Digest

async function walkBytes(bytes: Buffer | Readable, analyzers: Analyzer[] = [], limits: Partial<ScanLimits> = {}) {
  const l = { ...DEFAULT_SCAN_LIMITS, ...limits }
  const raw = Buffer.isBuffer(bytes) ? Readable.from([bytes]) : bytes
  const tar = await openLayerStream(raw, { maxUncompressedBytes: l.maxLayerBytes })
  return await walkLayer(tar, { diffId: DIFF, analyzers, limits: l })
}

const code = (c: ImageErrorCode) => (err: unknown) => isImageError(err, c)

describe('hostile layers', () => {
  it('corrupt and truncated gzip: LAYER_CORRUPT', async () => {
    const [layer] = await listLayoutLayers()
    assert.ok(layer)
    const blob = await readFile(layer.blobPath)
    await assert.rejects(walkBytes(blob.subarray(0, blob.length >> 1)), code('LAYER_CORRUPT'))
    const garbage = Buffer.concat([blob.subarray(0, 10), Buffer.alloc(4096, 0xa5)])
    await assert.rejects(walkBytes(garbage), code('LAYER_CORRUPT'))
  })

  it('a tar truncated inside an entry: TAR_TRUNCATED; a bad checksum: TAR_INVALID', async () => {
    const tar = tarBytes([{ name: 'a', data: 'x'.repeat(5000) }, { name: 'b', data: 'y' }])
    await assert.rejects(walkBytes(tar.subarray(0, 2048)), code('TAR_TRUNCATED'))
    await assert.rejects(walkBytes(gzipSync(tar.subarray(0, 700))), code('TAR_TRUNCATED'))
    const bad = Buffer.from(tar)
    bad[0] = 0x7a
    await assert.rejects(walkBytes(bad), code('TAR_INVALID'))
  })

  it('path traversal and absolute names are clamped to the image root', async () => {
    const tar = tarBytes([
      { name: '../../../etc/passwd', data: 'root' },
      { name: '/abs/file', data: '1' },
      { name: 'a/../../../b', data: '2' },
      { name: './c/./d/', type: '5' },
      paxEntry({ path: '../../pax/escape' }),
      { name: 'ignored-name', data: '3' },
      { name: 'link', type: '2', linkName: '../../../../etc/shadow' },
    ])
    const r = await walkBytes(tar)
    assert.deepEqual(r.files.map((f) => f.path), ['etc/passwd', 'abs/file', 'b', 'c/d', 'pax/escape', 'link'])
    for (const f of r.files) assert.ok(!f.path.startsWith('/') && !f.path.split('/').includes('..'), f.path)
    // The symlink target resolves inside the root as well.
    const view = FileView.fromLayers([{ files: [...r.files, { path: 'etc/shadow', type: 'file', size: 0, mode: 0, uid: 0, gid: 0 }], whiteouts: [], opaqueDirs: [] }])
    assert.equal(view.resolve('link')?.file.path, 'etc/shadow')
  })

  it('a decompression bomb (1 GiB of zeros, ~1 MB gzip) stops at the limit, fast, with bounded memory', async () => {
    const GiB = 1024 ** 3
    async function* bomb(): AsyncGenerator<Buffer> {
      yield tarHeader({ name: 'zeros', size: GiB })
      const zero = Buffer.alloc(1 << 20)
      for (let i = 0; i < 1024; i++) yield zero
    }
    const gz = Readable.from(bomb()).pipe(createGzip({ level: 9 }))
    const compressed: Buffer[] = []
    for await (const c of gz) compressed.push(c as Buffer)
    const size = compressed.reduce((n, c) => n + c.length, 0)
    assert.ok(size < 2 * 1024 * 1024, `bomb is ${size} bytes`)
    const rssBefore = process.memoryUsage().rss
    const t0 = performance.now()
    await assert.rejects(walkBytes(Readable.from(compressed), [], { maxLayerBytes: 256 * 1024 * 1024 }), code('LIMIT_EXCEEDED'))
    const ms = performance.now() - t0
    const grew = process.memoryUsage().rss - rssBefore
    assert.ok(ms < 10_000, `took ${ms} ms`)
    assert.ok(grew < 100 * 1024 * 1024, `rss grew by ${grew} bytes`)
  })

  it('absurd size fields: base-256 petabytes and sizes past the end', async () => {
    const huge = Buffer.concat([tarHeader({ name: 'big', size: 2 ** 50, base256Size: true }), Buffer.alloc(1024)])
    await assert.rejects(walkBytes(huge), code('LIMIT_EXCEEDED'))
    const lying = Buffer.concat([tarHeader({ name: 'liar', size: 1_000_000 }), Buffer.alloc(1024)])
    await assert.rejects(walkBytes(lying), code('TAR_TRUNCATED'))
    const negative = tarHeader({ name: 'neg', size: 0 })
    negative.fill(0xff, 124, 136)
    await assert.rejects(walkBytes(Buffer.concat([fixChecksum(negative), Buffer.alloc(1024)])), (err) => isImageError(err, 'TAR_INVALID') && /negative/.test(err.message))
  })

  it('too many entries and oversized PAX records: LIMIT_EXCEEDED', async () => {
    const many = tarBytes(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, data: '' })))
    await assert.rejects(walkBytes(many, [], { maxEntries: 10 }), code('LIMIT_EXCEEDED'))
    const fatPax = tarBytes([paxEntry({ path: 'p'.repeat(5000) }), { name: 'x', data: '' }])
    await assert.rejects(walkBytes(fatPax, [], { maxMetadataBytes: 1024 }), code('LIMIT_EXCEEDED'))
  })

  it('symlink loops: the walk completes and lookups give up after a bounded number of hops', async () => {
    await withTempDir(async (dir) => {
      const tar = await gnuTar(dir, { a: { symlink: 'b' }, b: { symlink: 'a' }, self: { symlink: 'self' }, d: { symlink: '../d/x' } })
      const rec = recordingAnalyzer('rec', () => true)
      const r = await walkBytes(tar, [rec])
      assert.equal(rec.calls.length, 0, 'analyzers see regular files only')
      const view = FileView.fromLayers([r])
      for (const p of ['a', 'b', 'self', 'd']) assert.equal(view.resolve(p), undefined)
    })
  })

  it('hard links: a file and its links are analysed once per analyzer, at the first name it wants', async () => {
    await withTempDir(async (dir) => {
      const good = await gnuTar(dir, { 'etc/real': 'hello', 'etc/alias': { hardlink: 'etc/real' }, 'opt/store/x1': 'pkg', 'app/pkg.db': { hardlink: 'opt/store/x1' } })
      const rec = recordingAnalyzer('rec', (p) => p.startsWith('etc/') || p.endsWith('.db'))
      const store = recordingAnalyzer('store', (p) => p.startsWith('opt/store/'))
      const r = await walkBytes(good, [rec, store])
      // etc/alias is etc/real's content: not analysed again. app/pkg.db is the first name of
      // opt/store/x1's content that `rec` wants (a pnpm-style store): analysed there, by it only.
      assert.deepEqual(rec.calls.map((c) => [c.path, Buffer.from(c.content).toString()]), [['etc/real', 'hello'], ['app/pkg.db', 'pkg']])
      assert.deepEqual(store.calls.map((c) => c.path), ['opt/store/x1'])
      assert.equal(r.files.find((f) => f.path === 'etc/alias')?.size, 5)
      assert.equal(r.files.find((f) => f.path === 'etc/alias')?.type, 'hardlink', 'every name is still in the file list')
    })
    // 2,000 links (one a link to a link) to one file: one analysis, not 2,001.
    const entries: RawEntry[] = [{ name: 'keys', data: 'k' }, { name: 'l0', type: '1', linkName: 'keys' }, { name: 'l1', type: '1', linkName: 'l0' }]
    for (let i = 2; i < 2000; i++) entries.push({ name: `l${i}`, type: '1', linkName: 'keys' })
    const many = recordingAnalyzer('rec', () => true)
    const amplified = await walkBytes(tarBytes(entries), [many])
    assert.deepEqual(many.calls.map((c) => c.path), ['keys'])
    assert.equal(amplified.files.length, 2001)
    assert.deepEqual(amplified.unknowns, [])

    const missing = tarBytes([{ name: 'orphan', type: '1', linkName: 'nowhere' }, { name: 'orphan2', type: '1', linkName: 'nowhere' }])
    const rec = recordingAnalyzer('rec', () => true)
    const r = await walkBytes(missing, [rec])
    assert.equal(rec.calls.length, 0)
    assert.deepEqual(r.unknowns.map((u) => [u.path, u.analyzer, /missing file nowhere/.test(u.reason)]), [['orphan', 'rec', true]], 'one Unknown per missing content, not per link')
  })

  it('findings are bounded per layer: the rest are counted in omittedFindings', async () => {
    const { createSecretAnalyzer } = await import('../analyzers/secret/secret-analyzer.ts')
    const keys = Array.from({ length: 30 }, (_, i) => `AKIA${'ABCDEFGHIJKLMNOP'.slice(i % 4)}${'QRSTUVWXYZ234567'.slice(0, i % 4)}`).join('\n')
    const entries: RawEntry[] = Array.from({ length: 20 }, (_, i) => ({ name: `copies/${i}.env`, data: `${keys}\n` }))
    const r = await walkBytes(tarBytes(entries), [createSecretAnalyzer()], { maxFindingsPerLayer: 50 })
    const kept = r.results.reduce((n, x) => n + (x.result.secrets?.length ?? 0), 0)
    assert.equal(kept, 50)
    assert.ok((r.omittedFindings ?? 0) > 0)
    const all = await walkBytes(tarBytes(entries), [createSecretAnalyzer()])
    const found = all.results.reduce((n, x) => n + (x.result.secrets?.length ?? 0), 0)
    assert.equal(kept + (r.omittedFindings ?? 0), found, 'every finding is kept or counted')
    assert.equal(all.omittedFindings, undefined)
  })

  it('a file over the analyzer limit is not read and becomes an Unknown; a throwing analyzer too', async () => {
    const tar = tarBytes([{ name: 'big.db', data: 'z'.repeat(10_000) }, { name: 'small.db', data: 'ok' }])
    const small = recordingAnalyzer('small', (p) => p.endsWith('.db'), 100)
    const thrower: Analyzer = { name: 'boom', version: 1, maxFileSize: 1 << 20, required: (p) => p === 'small.db', analyze: async () => { throw new Error('parser bug') } }
    const r = await walkBytes(tar, [small, thrower])
    assert.deepEqual(small.calls.map((c) => c.path), ['small.db'])
    assert.deepEqual(r.unknowns.map((u) => `${u.analyzer}:${u.path}`).sort(), ['boom:small.db', 'small:big.db'])
  })

  it('GNU long names and links, and PAX size/path, are read like GNU tar writes them', async () => {
    await withTempDir(async (dir) => {
      const long = `${'d'.repeat(120)}/${'f'.repeat(130)}`
      const tar = await gnuTar(dir, { [long]: 'content', ln: { symlink: long } })
      const r = await walkBytes(tar)
      assert.deepEqual(r.files.map((f) => [f.path, f.linkTarget]), [[long, undefined], ['ln', long]])
      const gnu = tarBytes([{ name: '././@LongLink', type: 'L', data: `${long}\0` }, { name: 'short', data: 'abc' }, { name: '././@LongLink', type: 'K', data: `${long}\0` }, { name: 'l2', type: '2', linkName: 'x' }])
      const g = await walkBytes(gnu)
      assert.deepEqual(g.files.map((f) => [f.path, f.size, f.linkTarget]), [[long, 3, undefined], ['l2', 0, long]])
    })
  })
})

describe('cancellation', () => {
  it('an already-aborted signal rejects with AbortError and never emits an unhandled error', async () => {
    const controller = new AbortController()
    controller.abort()
    let destroyed = false
    const raw = Readable.from([gzipSync(Buffer.alloc(1024))])
    raw.on('close', () => (destroyed = true))
    await assert.rejects(
      openLayerStream(raw, { maxUncompressedBytes: DEFAULT_SCAN_LIMITS.maxLayerBytes, signal: controller.signal }),
      (err: Error) => err.name === 'AbortError',
    )
    await new Promise((r) => setImmediate(r))
    assert.ok(destroyed, 'the blob stream is released')
  })
})
