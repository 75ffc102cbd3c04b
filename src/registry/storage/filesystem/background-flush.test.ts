import assert from 'node:assert/strict'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { BackgroundFlush } from './background-flush.ts'

describe('BackgroundFlush', () => {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drydock-flush-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('flushes once per threshold of written bytes, one flush at a time', async () => {
    const fh = await open(join(dir, 'f'), 'w')
    try {
      const flush = new BackgroundFlush(fh, 1000)
      await fh.write(Buffer.alloc(999))
      flush.written(999)
      assert.equal(flush.flushes, 0, 'below the threshold')
      await fh.write(Buffer.alloc(1))
      flush.written(1)
      assert.equal(flush.flushes, 1)
      flush.written(5000)
      assert.equal(flush.flushes, 1, 'no second flush while one is in flight')
      await flush.settle()
      flush.written(1000)
      assert.equal(flush.flushes, 2)
      await flush.settle()
    } finally {
      await fh.close()
    }
  })

  it('keeps a failed flush and throws it from settle()', async () => {
    // A real failure: fdatasync on a descriptor that is no longer open (EBADF).
    const fh = await open(join(dir, 'f'), 'w')
    await fh.close()
    const flush = new BackgroundFlush(fh, 10)
    flush.written(10)
    await assert.rejects(flush.settle(), (err: NodeJS.ErrnoException) => err.code === 'EBADF' || err.code === 'ERR_INVALID_STATE')
    flush.written(100)
    assert.equal(flush.flushes, 1, 'no more flushes after a failure')
    await assert.rejects(flush.settle(), 'the failure stays')
  })
})
