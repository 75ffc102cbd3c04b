// Hostile input: real rpm databases and header blobs, mutated with a seeded PRNG (so failures
// reproduce), must never make the analyzer throw or hang; targeted cases for page-chain loops,
// absurd counts and out-of-range header entries.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { analysisInput, extractLayer } from '../../os/testing/image-files.ts'
import { mutate, prng } from '../../os/testing/mutate.ts'
import { readNdb } from './ndb-reader.ts'
import { rpmAnalyzer } from './rpm-analyzer.ts'
import { RpmHeader } from './rpm-header.ts'
import { rpmPackage } from './rpm-package.ts'

const DBS = [
  ['centos-7-rpmdb', 'var/lib/rpm/Packages'],
  ['cbl-mariner-2.0-rpmdb', 'var/lib/rpm/rpmdb.sqlite'],
  ['sle-15.3-bci-rpmdb', 'usr/lib/sysimage/rpm/Packages.db'],
] as const
const real = new Map<string, Uint8Array>()

async function analyzeBounded(path: string, bytes: Uint8Array, limitMs: number) {
  const t = performance.now()
  const r = await rpmAnalyzer.analyze(analysisInput(path, bytes))
  const ms = performance.now() - t
  assert.ok(ms < limitMs, `${path}: took ${Math.round(ms)} ms`)
  return r
}

describe('rpm analyzer on hostile input', () => {
  before(async () => {
    for (const [image, path] of DBS) {
      const x = await extractLayer(image, 0, (p) => p === path)
      try {
        const b = x.files.get(path)
        assert.ok(b, `${path} not in ${image}`)
        real.set(path, new Uint8Array(b)) // a plain copy: Buffer.slice() would not copy
      } finally {
        await x.cleanup()
      }
    }
  })

  for (const [, path] of DBS) {
    it(`seeded mutations of ${path}: no throw, bounded time`, async () => {
      const src = real.get(path)!
      const rnd = prng(0xd2d0c + path.length)
      for (let i = 0; i < 12; i++) {
        const r = await analyzeBounded(path, mutate(src, rnd), 5000)
        assert.ok(r && ((r.packages?.length ?? 0) > 0 || (r.unknowns?.length ?? 0) > 0), `iteration ${i}: no packages and no unknowns`)
      }
    })
  }

  it('empty, tiny and random files give unknowns', async () => {
    const rnd = prng(7)
    for (const [, path] of DBS) {
      for (const bytes of [new Uint8Array(0), new Uint8Array(7), Uint8Array.from({ length: 70000 }, () => Math.floor(rnd() * 256))]) {
        const r = await analyzeBounded(path, bytes, 2000)
        assert.equal(r?.packages?.length, 0)
        assert.ok((r?.unknowns?.length ?? 0) > 0)
      }
    }
  })

  it('BDB: a hash page chain that loops onto itself ends with an unknown', async () => {
    const db = real.get('var/lib/rpm/Packages')!.slice()
    const dv = new DataView(db.buffer)
    const pageSize = dv.getUint32(20, true)
    const firstBucketPage = dv.getUint32(96, true) // bucket 0 lives on page 0 + spares[0]
    dv.setUint32(firstBucketPage * pageSize + 16, firstBucketPage, true) // next_pgno = itself
    const r = await analyzeBounded('var/lib/rpm/Packages', db, 5000)
    assert.ok(r?.unknowns?.some((u) => /loop/.test(u.reason)), JSON.stringify(r?.unknowns))
  })

  it('BDB: absurd max_bucket and page size are refused', async () => {
    for (const [offset, value] of [[72, 0xfffffff0], [20, 3], [20, 1 << 30]] as const) {
      const db = real.get('var/lib/rpm/Packages')!.slice()
      new DataView(db.buffer).setUint32(offset, value, true)
      const r = await analyzeBounded('var/lib/rpm/Packages', db, 2000)
      assert.equal(r?.packages?.length, 0)
      assert.ok(r?.unknowns?.length)
    }
  })

  it('NDB: a slot pointing past the end of the file is an unknown, other packages survive', async () => {
    const db = real.get('usr/lib/sysimage/rpm/Packages.db')!.slice()
    new DataView(db.buffer).setUint32(32 + 8, 0x7fffffff, true) // first slot's blkOff
    const r = await analyzeBounded('usr/lib/sysimage/rpm/Packages.db', db, 2000)
    assert.equal(r?.packages?.length, 34)
    assert.equal(r?.unknowns?.length, 1)
  })

  it('headers with out-of-range entries and absurd counts never throw', () => {
    const blobs: Uint8Array[] = []
    for (const item of readNdb(real.get('usr/lib/sysimage/rpm/Packages.db')!)) if ('blob' in item) blobs.push(item.blob)
    const blob = blobs[0]!.slice()
    const dv = new DataView(blob.buffer)
    const cases: [number, number][] = [[0, 0xffffffff], [0, 0], [4, 0xffffffff], [8 + 8, 0x7fffffff], [8 + 12, 0xffffffff]]
    for (const [at, v] of cases) {
      const b = blob.slice()
      new DataView(b.buffer).setUint32(at, v)
      assert.equal(typeof RpmHeader.parse(b), 'string', `offset ${at} = ${v}`)
    }
    const rnd = prng(42)
    const il = dv.getUint32(0)
    for (let i = 0; i < 2000; i++) {
      const b = blobs[i % blobs.length]!.slice()
      const bv = new DataView(b.buffer)
      // Corrupt type/offset/count of random index entries: parse or getters must cope.
      for (let k = 0; k < 3; k++) {
        const entry = 8 + 16 * Math.floor(rnd() * Math.min(il, bv.getUint32(0)))
        bv.setUint32(entry + 4 + 4 * Math.floor(rnd() * 3), Math.floor(rnd() * 2 ** 32))
      }
      const h = RpmHeader.parse(b)
      if (typeof h !== 'string') rpmPackage(h, { path: 'x' })
    }
  })
})
