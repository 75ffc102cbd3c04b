import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readZip, ZipError, type ZipEntry } from './zip-reader.ts'

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-zip-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function zip(cwd: string, out: string, files: string[]): void {
  try {
    execFileSync('zip', ['-q', out, ...files], { cwd })
  } catch (err) {
    throw new Error(`this test needs the 'zip' CLI (apt-get install zip): ${(err as Error).message}`)
  }
}

async function collect(path: string, limits?: Parameters<typeof readZip>[1]): Promise<ZipEntry[]> {
  const out: ZipEntry[] = []
  for await (const e of readZip(path, limits)) out.push(e)
  return out
}

test('stored and deflated entries are read back byte for byte', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'a.json'), '{"a":1}')
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ text: 'x'.repeat(10_000) }))
  execFileSync('zip', ['-q', '-0', join(dir, 'stored.zip'), 'a.json'], { cwd: dir })
  zip(dir, join(dir, 'deflated.zip'), ['a.json', 'b.json'])
  assert.deepEqual((await collect(join(dir, 'stored.zip'))).map((e) => 'data' in e && e.data.toString()), ['{"a":1}'])
  const entries = await collect(join(dir, 'deflated.zip'))
  assert.deepEqual(entries.map((e) => e.name), ['a.json', 'b.json'])
  assert.equal('data' in entries[1]! ? entries[1].data.length : 0, JSON.stringify({ text: 'x'.repeat(10_000) }).length)
})

test('zip-bomb bounds: an oversized entry is reported, the total and entry count are capped', async (t) => {
  const dir = tempDir(t)
  // 64 MiB of zeros compresses to ~64 KiB.
  writeFileSync(join(dir, 'bomb.json'), Buffer.alloc(64 * 1024 * 1024))
  writeFileSync(join(dir, 'ok.json'), '{}')
  zip(dir, join(dir, 'bomb.zip'), ['bomb.json', 'ok.json'])
  const entries = await collect(join(dir, 'bomb.zip'), { maxEntryBytes: 1024 * 1024, maxTotalBytes: 1 << 30, maxEntries: 10 })
  assert.deepEqual(entries.map((e) => ('tooLarge' in e ? `${e.name} too large` : e.name)), ['bomb.json too large', 'ok.json'])
  await assert.rejects(collect(join(dir, 'bomb.zip'), { maxEntryBytes: 1 << 30, maxTotalBytes: 1024 * 1024, maxEntries: 10 }), /expands beyond/)
  await assert.rejects(collect(join(dir, 'bomb.zip'), { maxEntryBytes: 1 << 30, maxTotalBytes: 1 << 30, maxEntries: 1 }), /2 entries, limit is 1/)
})

test('garbage and corrupted archives give ZipError, not a crash', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'not.zip'), 'hello, this is not a zip file')
  await assert.rejects(collect(join(dir, 'not.zip')), (e: unknown) => e instanceof ZipError && /no end-of-central-directory/.test(e.message))
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ text: 'abc'.repeat(1000) }))
  zip(dir, join(dir, 'c.zip'), ['a.json'])
  const bytes = readFileSync(join(dir, 'c.zip'))
  const dataAt = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28) // past the local header
  bytes[dataAt + 5] = (bytes[dataAt + 5] ?? 0) ^ 0xff
  writeFileSync(join(dir, 'c.zip'), bytes)
  await assert.rejects(collect(join(dir, 'c.zip')), ZipError)
})
