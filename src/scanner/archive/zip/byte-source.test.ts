import { test } from 'node:test'
import assert from 'node:assert/strict'
import { truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { memoryByteSource, openFileByteSource, type ByteSource } from './byte-source.ts'
import { tempDir } from './zip-test-tools.ts'

const BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff))

// The same contract checked for every implementation.
for (const [kind, make] of [
  ['memory', async () => ({ source: memoryByteSource(BYTES), close: async () => {} })],
  ['file', async (dir: string) => {
    writeFileSync(join(dir, 'f.bin'), BYTES)
    const source = await openFileByteSource(join(dir, 'f.bin'))
    return { source: source as ByteSource, close: () => source.close() }
  }],
] as const) {
  test(`${kind} byte source: exact ranges, empty reads, out-of-range reads throw`, async (t) => {
    const { source, close } = await make(tempDir(t))
    t.after(close)
    assert.equal(source.size, 1000)
    assert.deepEqual(Buffer.from(await source.read(0, 1000)), BYTES)
    assert.deepEqual(Buffer.from(await source.read(993, 7)), BYTES.subarray(993))
    assert.equal((await source.read(1000, 0)).byteLength, 0)
    for (const [o, l] of [[999, 2], [-1, 1], [0, -1], [1001, 0], [0.5, 1], [Number.MAX_SAFE_INTEGER, 2]]) {
      await assert.rejects(async () => source.read(o!, l!), RangeError, `read(${o}, ${l})`)
    }
  })
}

test('file byte source: a file that shrinks after open is a clear error; close is idempotent', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'f.bin'), BYTES)
  const source = await openFileByteSource(join(dir, 'f.bin'))
  truncateSync(join(dir, 'f.bin'), 500)
  await assert.rejects(source.read(400, 200), /file ended at 500/)
  await source.close()
  await source[Symbol.asyncDispose]()
  await assert.rejects(openFileByteSource(join(dir, 'missing.bin')), { code: 'ENOENT' })
})
