import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { memoryByteSource } from './byte-source.ts'
import { isZipError, type ZipErrorCode } from './zip-error.ts'
import { centralHeaders, pythonZip, readAll, readBoth, tempDir, zipCli, type Outcome } from './zip-test-tools.ts'

const SMALL = `
with zipfile.ZipFile(out, "w") as z:
    z.writestr("a.txt", "alpha " * 20)
    z.writestr(zipfile.ZipInfo("b.bin"), bytes(range(256)), zipfile.ZIP_DEFLATED)
`

/** Reading must end in data or a ZipError of one of `codes`: never another exception, never a hang. */
async function outcome(bytes: Buffer): Promise<Outcome[] | string> {
  try {
    return await readAll(memoryByteSource(bytes))
  } catch (err) {
    if (!isZipError(err)) throw err
    return `${err.code}: ${err.message}`
  }
}

function entryError(result: Outcome[] | string, index = 0): string {
  if (typeof result === 'string') return result
  const e = result[index]
  return e && 'error' in e ? e.error : `no error: ${JSON.stringify(e)}`
}

const codeOf = (s: string) => s.slice(0, s.indexOf(':')) as ZipErrorCode

test('every truncation and every single-byte corruption ends in data or a ZipError', async (t) => {
  const bytes = pythonZip(join(tempDir(t), 's.zip'), SMALL)
  for (let cut = 0; cut < bytes.length; cut++) {
    const r = await outcome(bytes.subarray(0, cut))
    assert.equal(typeof r, 'string', `a ${cut}-byte prefix must not read as an archive`)
  }
  let failures = 0
  for (let i = 0; i < bytes.length; i++) {
    const copy = Buffer.from(bytes)
    copy[i] = (copy[i] ?? 0) ^ 0xff
    const r = await outcome(copy)
    if (typeof r === 'string' || r.some((e) => 'error' in e)) failures++
  }
  // Only a handful of bytes (version/time/attribute fields) are not protected by some check.
  assert.ok(failures > bytes.length * 0.8, `${failures} of ${bytes.length} corruptions detected`)
})

test('CRC-32 and size mismatches, and deflate streams longer than recorded, are refused', async (t) => {
  const dir = tempDir(t)
  const bytes = pythonZip(join(dir, 's.zip'), SMALL)
  const [a, b] = centralHeaders(bytes)
  const badCrc = Buffer.from(bytes)
  badCrc.writeUInt32LE(badCrc.readUInt32LE(a! + 16) ^ 1, a! + 16)
  assert.match(entryError(await outcome(badCrc)), /^CHECKSUM_MISMATCH: a\.txt: fails its size\/CRC-32 check/)
  // A deflate stream that outgrows its recorded size stops at that size (the zip-bomb lie).
  const bomb = pythonZip(join(dir, 'bomb.zip'), 'zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED).writestr("x", bytes(4 << 20))')
  const [x] = centralHeaders(bomb)
  bomb.writeUInt32LE(100, x! + 24)
  assert.match(entryError(await outcome(bomb)), /^CHECKSUM_MISMATCH: x: inflates beyond its recorded 100 bytes/)
  const short = Buffer.from(bytes)
  short.writeUInt32LE(short.readUInt32LE(b! + 24) + 1, b! + 24)
  assert.match(entryError(await outcome(short), 1), /^CHECKSUM_MISMATCH: b\.bin/)
})

test('names are returned as data: ../ and absolute names are listed, nothing is written', async (t) => {
  const dir = tempDir(t)
  pythonZip(join(dir, 'evil.zip'), `
with zipfile.ZipFile(out, "w") as z:
    for n in ["../../../etc/evil.sh", "/etc/passwd", "a/../../b", "C:\\\\win.ini"]:
        z.writestr(zipfile.ZipInfo(n), "x")
`)
  const before = readdirSync(dir)
  const names = (await readBoth(join(dir, 'evil.zip'))).map((e) => e.name)
  assert.deepEqual(names, ['../../../etc/evil.sh', '/etc/passwd', 'a/../../b', 'C:\\win.ini'])
  assert.deepEqual(readdirSync(dir), before)
  // A NUL inside a name (python refuses to write one, so it is patched in, in both headers).
  const bytes = pythonZip(join(dir, 's.zip'), SMALL)
  const [a] = centralHeaders(bytes)
  bytes[a! + 46 + 1] = 0
  bytes[30 + 1] = 0
  assert.deepEqual((await outcome(bytes) as Outcome[]).map((e) => e.name), ['a\u0000txt', 'b.bin'])
})

test('encrypted entries, unknown methods and multi-disk archives are UNSUPPORTED', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'secret.txt'), 'top secret')
  zipCli(dir, join(dir, 'enc.zip'), ['secret.txt'], ['-P', 'hunter2'])
  assert.match(entryError(await readBoth(join(dir, 'enc.zip'))), /^UNSUPPORTED: secret\.txt: encrypted entry/)
  pythonZip(join(dir, 'bz.zip'), 'zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2).writestr("x.txt", "bzip2 data")')
  assert.match(entryError(await readBoth(join(dir, 'bz.zip'))), /^UNSUPPORTED: x\.txt: unsupported compression method 12/)
  const disk = pythonZip(join(dir, 's.zip'), SMALL)
  disk.writeUInt16LE(1, disk.length - 22 + 4)
  assert.equal(codeOf(String(await outcome(disk))), 'UNSUPPORTED')
})

test('lying directories: entry counts, offsets, overlaps, local names and missing ZIP64 fields', async (t) => {
  const dir = tempDir(t)
  const bytes = pythonZip(join(dir, 's.zip'), SMALL)
  const eocd = bytes.length - 22
  const [a, b] = centralHeaders(bytes)
  const patch = (fn: (c: Buffer) => void): Buffer => {
    const c = Buffer.from(bytes)
    fn(c)
    return c
  }
  // A count that cannot fit the directory is refused before any entry is walked.
  assert.match(String(await outcome(patch((c) => c.writeUInt16LE(60000, eocd + 10)))), /^CORRUPT: .*60000 entries cannot fit/)
  assert.match(String(await outcome(patch((c) => c.writeUInt32LE(0x7fffffff, eocd + 16)))), /^CORRUPT: .*central directory runs past/)
  // Two directory entries pointing at one local header (the overlapping-file bomb) fail the name check.
  const overlap = patch((c) => c.writeUInt32LE(c.readUInt32LE(a! + 42), b! + 42))
  assert.match(entryError(await outcome(overlap), 1), /^CORRUPT: b\.bin: local header names a different file/)
  const renamed = patch((c) => { c[30] = 0x41 }) // first byte of a.txt's local name
  assert.match(entryError(await outcome(renamed)), /^CORRUPT: a\.txt: local header names a different file/)
  const intoDir = patch((c) => c.writeUInt32LE(c.readUInt32LE(b! + 20) + 40, b! + 20))
  assert.match(entryError(await outcome(intoDir), 1), /^CORRUPT: b\.bin: data runs into the central directory/)
  const noZip64 = patch((c) => c.writeUInt32LE(0xffffffff, a! + 24))
  assert.match(String(await outcome(noZip64)), /^CORRUPT: .*a\.txt announces ZIP64 sizes but has no ZIP64 extra field/)
  const pastEnd = patch((c) => c.writeUInt16LE(0xffff, b! + 28))
  assert.match(String(await outcome(pastEnd)), /^CORRUPT: corrupt central directory: entry 1 runs past/)
})

test('a broken ZIP64 end record is CORRUPT', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'a.txt'), 'zip64 body')
  const bytes = zipCli(dir, join(dir, 'z.zip'), ['a.txt'], ['-fz'])
  const rec = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))
  bytes[rec] = 0
  assert.match(String(await outcome(bytes)), /^CORRUPT: corrupt ZIP64 end-of-central-directory record/)
})
