import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { BatchedWrites } from './batched-writes.ts'

describe('BatchedWrites', () => {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drydock-batched-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes every chunk in order across many batches and reports each byte once', async () => {
    const path = join(dir, 'out')
    const fh = await open(path, 'w')
    const chunks = Array.from({ length: 200 }, (_, i) => randomBytes(i % 7 === 0 ? 0 : (i * 37) % 5000))
    let reported = 0
    const writes = new BatchedWrites(fh, (n) => (reported += n), 16 * 1024)
    try {
      for (const c of chunks) await writes.add(c)
      await writes.drain()
    } finally {
      await fh.close()
    }
    const expected = Buffer.concat(chunks)
    assert.ok(expected.length > 16 * 1024 * 10, 'the test data spans many batches')
    assert.equal(reported, expected.length)
    assert.deepEqual(await readFile(path), expected)
  })

  it('appends after existing content when the file is opened for append', async () => {
    const path = join(dir, 'out')
    await writeFile(path, 'head-')
    const fh = await open(path, 'a')
    const writes = new BatchedWrites(fh, () => undefined, 4)
    try {
      for (const c of ['ab', 'cd', 'ef', 'g']) await writes.add(Buffer.from(c))
      await writes.drain()
    } finally {
      await fh.close()
    }
    assert.equal(await readFile(path, 'utf8'), 'head-abcdefg')
  })

  it('surfaces a failing write and refuses everything after it', async () => {
    const path = join(dir, 'read-only')
    await writeFile(path, '')
    const fh = await open(path, 'r')
    let reported = 0
    const writes = new BatchedWrites(fh, (n) => (reported += n), 8)
    try {
      await writes.add(Buffer.alloc(8))
      await assert.rejects(writes.drain(), (err: NodeJS.ErrnoException) => err.code === 'EBADF')
      await assert.rejects(writes.add(Buffer.alloc(1)), (err: NodeJS.ErrnoException) => err.code === 'EBADF')
    } finally {
      await fh.close()
    }
    assert.equal(reported, 0)
  })

  it('continues a short writev with the bytes that were not written', async () => {
    // A file handle whose writev accepts at most 3 bytes per call, as a nearly full disk might.
    const received: number[] = []
    const shortWriter = {
      writev: async (buffers: Uint8Array[]) => {
        const all = Buffer.concat(buffers)
        const n = Math.min(3, all.length)
        received.push(...all.subarray(0, n))
        return { bytesWritten: n, buffers }
      },
    } as unknown as FileHandle
    let reported = 0
    const writes = new BatchedWrites(shortWriter, (n) => (reported += n), 5)
    const data = Buffer.from('0123456789abcdefghij')
    for (let i = 0; i < data.length; i += 4) await writes.add(data.subarray(i, i + 4))
    await writes.drain()
    assert.equal(Buffer.from(received).toString(), data.toString())
    assert.equal(reported, data.length)
  })
})
