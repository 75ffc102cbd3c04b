import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { memoryByteSource } from './byte-source.ts'
import { ZipArchive } from './zip-archive.ts'
import { isZipError, ZipError } from './zip-error.ts'
import { pythonZip, readBoth, tempDir, tool, zipCli } from './zip-test-tools.ts'

const limits = (maxEntryBytes: number, maxTotalBytes: number, maxEntries: number) => ({ maxEntryBytes, maxTotalBytes, maxEntries })

test('stored and deflated entries are read back byte for byte, from a file and from memory', async (t) => {
  const dir = tempDir(t)
  const big = JSON.stringify({ text: 'x'.repeat(10_000) })
  writeFileSync(join(dir, 'a.json'), '{"a":1}')
  writeFileSync(join(dir, 'b.json'), big)
  zipCli(dir, join(dir, 'stored.zip'), ['a.json'], ['-0'])
  zipCli(dir, join(dir, 'deflated.zip'), ['a.json', 'b.json'])
  assert.deepEqual(await readBoth(join(dir, 'stored.zip')), [{ name: 'a.json', text: '{"a":1}' }])
  assert.deepEqual(await readBoth(join(dir, 'deflated.zip')), [{ name: 'a.json', text: '{"a":1}' }, { name: 'b.json', text: big }])
})

test('directories are skipped, names are UTF-8, an empty archive has no entries', async (t) => {
  const dir = tempDir(t)
  pythonZip(join(dir, 'd.zip'), `
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("dir/", "")
    z.writestr("dir/été.txt", "summer")
    z.writestr("empty.txt", "")
`)
  assert.deepEqual(await readBoth(join(dir, 'd.zip')), [{ name: 'dir/été.txt', text: 'summer' }, { name: 'empty.txt', text: '' }])
  pythonZip(join(dir, 'e.zip'), 'zipfile.ZipFile(out, "w").close()')
  assert.deepEqual(await readBoth(join(dir, 'e.zip')), [])
})

test('ZIP64: end records and extra fields written by zip -fz', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'a.txt'), 'hello zip64\n'.repeat(100))
  writeFileSync(join(dir, 'b.txt'), 'second\n')
  const bytes = zipCli(dir, join(dir, 'z64.zip'), ['a.txt', 'b.txt'], ['-fz'])
  assert.ok(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])), 'zip -fz wrote a ZIP64 end record')
  assert.deepEqual(await readBoth(join(dir, 'z64.zip')), [
    { name: 'a.txt', text: 'hello zip64\n'.repeat(100) },
    { name: 'b.txt', text: 'second\n' },
  ])
  // Every 32-bit EOCD field masked as python does for huge archives: only the ZIP64 record is left to trust.
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  bytes.writeUInt16LE(0xffff, eocd + 8)
  bytes.writeUInt16LE(0xffff, eocd + 10)
  bytes.writeUInt32LE(0xffffffff, eocd + 12)
  bytes.writeUInt32LE(0xffffffff, eocd + 16)
  const zip = await ZipArchive.open(memoryByteSource(bytes))
  assert.equal(zip.entryCount, 2)
  const names: string[] = []
  for await (const e of zip.entries()) names.push(`${e.name}=${(await zip.read(e)).byteLength}`)
  assert.deepEqual(names, ['a.txt=1200', 'b.txt=7'])
})

test('zip-bomb bounds: an oversized entry is refused, the total and the entry count are capped', async (t) => {
  const dir = tempDir(t)
  // 64 MiB of zeros compresses to ~64 KiB.
  writeFileSync(join(dir, 'bomb.json'), Buffer.alloc(64 * 1024 * 1024))
  writeFileSync(join(dir, 'ok.json'), '{}')
  const file = join(dir, 'bomb.zip')
  zipCli(dir, file, ['bomb.json', 'ok.json'])
  const entries = await readBoth(file, limits(1024 * 1024, 1 << 30, 10))
  assert.deepEqual(entries.map((e) => ('error' in e ? `${e.name} ${e.error}` : e.name)), [
    `bomb.json LIMIT_EXCEEDED: bomb.json: ${64 * 1024 * 1024} bytes, over the limit ${1024 * 1024}`,
    'ok.json',
  ])
  const total = await readBoth(file, limits(1 << 30, 1024 * 1024, 10))
  assert.match('error' in total[0]! ? total[0].error : '', /LIMIT_EXCEEDED: archive expands beyond 1048576 bytes/)
  await assert.rejects(readBoth(file, limits(1 << 30, 1 << 30, 1)), (e: unknown) => isZipError(e, 'LIMIT_EXCEEDED') && /2 entries, limit is 1/.test(e.message))
  // A per-call limit below the archive's is honoured too.
  const zip = await ZipArchive.open(memoryByteSource(readFileSync(file)))
  for await (const e of zip.entries()) if (e.name === 'ok.json') await assert.rejects(zip.read(e, 1), /over the limit 1/)
})

test('garbage, truncated and corrupted archives give ZipError, not a crash', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'not.zip'), 'hello, this is not a zip file')
  await assert.rejects(readBoth(join(dir, 'not.zip')), (e: unknown) => e instanceof ZipError && e.code === 'NOT_A_ZIP' && /no end-of-central-directory/.test(e.message))
  writeFileSync(join(dir, 'empty.zip'), '')
  await assert.rejects(readBoth(join(dir, 'empty.zip')), (e: unknown) => isZipError(e, 'NOT_A_ZIP'))
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ text: 'abc'.repeat(1000) }))
  const bytes = zipCli(dir, join(dir, 'c.zip'), ['a.json'])
  const dataAt = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28) // past the local header
  bytes[dataAt + 5] = (bytes[dataAt + 5] ?? 0) ^ 0xff
  writeFileSync(join(dir, 'c.zip'), bytes)
  const [only] = await readBoth(join(dir, 'c.zip'))
  assert.match(only && 'error' in only ? only.error : '', /^(CORRUPT|CHECKSUM_MISMATCH): a\.json/)
  // Python's zipfile agrees that the archive is damaged (it exits non-zero or raises).
  const check = 'import sys, zipfile\nsys.exit(1 if zipfile.ZipFile(sys.argv[1]).testzip() else 0)'
  assert.throws(() => tool('python3', ['-c', check, join(dir, 'c.zip')]), /failed/)
})
