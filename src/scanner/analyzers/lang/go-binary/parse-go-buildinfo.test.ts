import assert from 'node:assert/strict'
import { test } from 'node:test'
import { goBinaryAnalyzer } from './go-binary-analyzer.ts'
import { inputFor } from '../lang-test-helpers.ts'

/**
 * A minimal ELF64 little-endian file in the pre-Go-1.18 layout: `.go.buildinfo` holds two
 * pointers to Go string headers in `.data` (addresses resolved through the section table).
 * Go 1.19 on the machine only writes the inline layout, so this one is built by hand.
 */
function pointerFormatElf(goVersion: string, modInfo: string): Uint8Array {
  const enc = new TextEncoder()
  const ver = enc.encode(goVersion)
  const mod = enc.encode(modInfo)
  const dataAddr = 0x500000n
  const buildinfo = new Uint8Array(32)
  buildinfo.set(Buffer.from('\xff Go buildinf:', 'latin1'))
  buildinfo[14] = 8
  buildinfo[15] = 0
  const bv = new DataView(buildinfo.buffer)
  bv.setBigUint64(16, dataAddr, true)
  bv.setBigUint64(24, dataAddr + 16n, true)
  const data = new Uint8Array(32 + ver.length + mod.length)
  const dv = new DataView(data.buffer)
  dv.setBigUint64(0, dataAddr + 32n, true)
  dv.setBigUint64(8, BigInt(ver.length), true)
  dv.setBigUint64(16, dataAddr + 32n + BigInt(ver.length), true)
  dv.setBigUint64(24, BigInt(mod.length), true)
  data.set(ver, 32)
  data.set(mod, 32 + ver.length)
  const shstrtab = enc.encode('\0.go.buildinfo\0.data\0.shstrtab\0')
  const offBuildinfo = 64
  const offData = offBuildinfo + buildinfo.length
  const offStr = offData + data.length
  const shoff = offStr + shstrtab.length
  const out = new Uint8Array(shoff + 4 * 64)
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])
  const v = new DataView(out.buffer)
  v.setUint16(16, 2, true)
  v.setUint16(18, 62, true)
  v.setUint32(20, 1, true)
  v.setBigUint64(0x28, BigInt(shoff), true)
  v.setUint16(0x34, 64, true)
  v.setUint16(0x3a, 64, true)
  v.setUint16(0x3c, 4, true)
  v.setUint16(0x3e, 3, true)
  out.set(buildinfo, offBuildinfo)
  out.set(data, offData)
  out.set(shstrtab, offStr)
  const section = (i: number, name: number, type: number, addr: bigint, off: number, size: number): void => {
    const at = shoff + i * 64
    v.setUint32(at, name, true)
    v.setUint32(at + 4, type, true)
    v.setBigUint64(at + 16, addr, true)
    v.setBigUint64(at + 24, BigInt(off), true)
    v.setBigUint64(at + 32, BigInt(size), true)
  }
  section(1, 1, 1, 0x4ff000n, offBuildinfo, buildinfo.length)
  section(2, 15, 1, dataAddr, offData, data.length)
  section(3, 21, 3, 0n, offStr, shstrtab.length)
  return out
}

test('pre-1.18 pointer layout: strings found through section addresses, sentinels stripped', async () => {
  const sentinel = 'S'.repeat(16)
  const modInfo = `${sentinel}path\texample.com/old\nmod\texample.com/old\tv0.3.0\t\ndep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=\ndep\tgithub.com/a/b\tv1.0.0\th1:aaa=\n=>\tgithub.com/fork/b\tv1.0.1\th1:bbb=\nbuild\t-compiler=gc\n${sentinel}`
  const elf = pointerFormatElf('go1.16.15', modInfo)
  const out = await goBinaryAnalyzer.analyze(inputFor('usr/bin/old', elf, { mode: 0o755 }))
  assert.deepEqual(out?.unknowns, undefined)
  assert.deepEqual(out?.packages?.map((p) => `${p.purl} ${p.metadata?.['h1'] ?? ''} ${p.metadata?.['replaces'] ?? ''}`.trim()), [
    'pkg:golang/example.com/old@v0.3.0',
    'pkg:golang/golang.org/x/text@v0.3.7 h1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=',
    'pkg:golang/github.com/fork/b@v1.0.1 h1:bbb= github.com/a/b@v1.0.0',
    'pkg:golang/stdlib@v1.16.15',
  ])
})

test('pointer layout with dangling pointers gives an unknown', async () => {
  const elf = pointerFormatElf('go1.16', 'mod')
  // Point the version string header outside every section.
  new DataView(elf.buffer).setBigUint64(64 + 16, 0x900000n, true)
  const out = await goBinaryAnalyzer.analyze(inputFor('usr/bin/old', elf, { mode: 0o755 }))
  assert.match(out?.unknowns?.[0]?.reason ?? '', /do not resolve/)
})
