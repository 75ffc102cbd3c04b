/**
 * The StorageDriver conformance suite. Every driver runs it:
 *   runDriverSuite('filesystem', async () => ({ driver, cleanup }))
 * Each test gets a fresh driver and checks the contract in driver.ts, including that nothing is
 * visible before commit() and that nothing is left behind after a delete.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Readable } from 'node:stream'
import { isPathNotFound, type StorageDriver } from '../driver.ts'

export interface DriverFixture {
  readonly driver: StorageDriver
  cleanup(): Promise<void>
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

async function readAll(stream: Readable): Promise<string> {
  const parts: Buffer[] = []
  for await (const c of stream) parts.push(Buffer.from(c as Uint8Array))
  return Buffer.concat(parts).toString()
}

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield enc(p)
}

async function* failingAfter(part: string): AsyncIterable<Uint8Array> {
  yield enc(part)
  throw new Error('client went away')
}

async function rejectsNotFound(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (err: unknown) => isPathNotFound(err))
}

export function runDriverSuite(name: string, make: () => Promise<DriverFixture>): void {
  const withDriver = (fn: (d: StorageDriver) => Promise<void>) => async () => {
    const fx = await make()
    try {
      await fn(fx.driver)
    } finally {
      await fx.cleanup()
    }
  }

  describe(`storage driver suite: ${name}`, () => {
    it('puts and gets content, replacing it atomically', withDriver(async (d) => {
      await d.putContent('a/b/c', enc('one'))
      assert.equal((await d.getContent('a/b/c')).toString(), 'one')
      await d.putContent('a/b/c', enc('two!'))
      assert.equal((await d.getContent('a/b/c')).toString(), 'two!')
      const info = await d.stat('a/b/c')
      assert.equal(info.size, 4)
      assert.equal(info.isDir, false)
      assert.equal((await d.stat('a/b')).isDir, true)
    }))

    it('reports missing paths as PathNotFoundError', withDriver(async (d) => {
      await rejectsNotFound(d.getContent('nope/x'))
      await rejectsNotFound(d.stat('nope/x'))
      await rejectsNotFound(d.reader('nope/x'))
      await rejectsNotFound(d.list('nope'))
      await rejectsNotFound(d.delete('nope'))
      await rejectsNotFound(d.move('nope/x', 'y/x'))
    }))

    it('rejects paths that could escape the root', withDriver(async (d) => {
      for (const bad of ['../x', 'a/../../x', '/abs', 'a//b', '', 'a/./b', 'a\\b', 'a/b~partial']) {
        await assert.rejects(d.putContent(bad, enc('x')), /invalid path/, bad)
      }
    }))

    it('reads from an offset with a length, and refuses an offset past the end', withDriver(async (d) => {
      await d.putContent('r/data', enc('0123456789'))
      assert.equal(await readAll(await d.reader('r/data', { offset: 3 })), '3456789')
      assert.equal(await readAll(await d.reader('r/data', { offset: 2, length: 3 })), '234')
      assert.equal(await readAll(await d.reader('r/data', { offset: 10 })), '')
      await assert.rejects(d.reader('r/data', { offset: 11 }), /invalid offset/)
    }))

    it('hides written content until commit, then exposes all of it', withDriver(async (d) => {
      const w = await d.writer('up/1/data')
      assert.equal(await w.append(chunks('ab', 'cd')), 4)
      assert.equal(w.size, 4)
      await rejectsNotFound(d.getContent('up/1/data'))
      await w.commit()
      assert.equal(w.size, 4, 'size survives commit')
      assert.equal((await d.getContent('up/1/data')).toString(), 'abcd')
    }))

    it('resumes an uncommitted write with append=true after close()', withDriver(async (d) => {
      const w1 = await d.writer('up/2/data')
      await w1.append(chunks('hello '))
      await w1.close()
      const w2 = await d.writer('up/2/data', { append: true })
      assert.equal(w2.size, 6)
      await w2.append(chunks('world'))
      await w2.commit()
      assert.equal((await d.getContent('up/2/data')).toString(), 'hello world')
    }))

    it('keeps the bytes written before a failing source', withDriver(async (d) => {
      const w = await d.writer('up/3/data')
      await assert.rejects(w.append(failingAfter('partial')), /client went away/)
      assert.equal(w.size, 7)
      await w.close()
      const again = await d.writer('up/3/data', { append: true })
      assert.equal(again.size, 7)
      await again.cancel()
    }))

    it('truncates uncommitted content back to a size, and appends continue from there', withDriver(async (d) => {
      const w = await d.writer('up/5/data')
      await w.append(chunks('keep', 'refused chunk'))
      await w.truncate(4)
      assert.equal(w.size, 4)
      await assert.rejects(w.truncate(5), /cannot truncate/)
      await w.close()
      const again = await d.writer('up/5/data', { append: true })
      assert.equal(again.size, 4)
      await again.append(chunks('+more'))
      await again.commit()
      assert.equal((await d.getContent('up/5/data')).toString(), 'keep+more')
    }))

    it('starts over without append, and cancel discards', withDriver(async (d) => {
      const w1 = await d.writer('up/4/data')
      await w1.append(chunks('old'))
      await w1.close()
      const w2 = await d.writer('up/4/data')
      assert.equal(w2.size, 0)
      await w2.append(chunks('x'))
      await w2.cancel()
      await rejectsNotFound(d.getContent('up/4/data'))
    }))

    it('lists children sorted, moves and deletes recursively', withDriver(async (d) => {
      await d.putContent('l/b', enc('b'))
      await d.putContent('l/a/x', enc('x'))
      await d.putContent('l/c', enc('c'))
      assert.deepEqual(await d.list('l'), ['a', 'b', 'c'])
      await d.move('l/c', 'm/n/c')
      assert.equal((await d.getContent('m/n/c')).toString(), 'c')
      await rejectsNotFound(d.stat('l/c'))
      await d.delete('l')
      await rejectsNotFound(d.stat('l'))
      await rejectsNotFound(d.stat('l/a/x'))
      await d.delete('m')
    }))

    it('streams a large object in several chunks without loss', withDriver(async (d) => {
      const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7)
      const w = await d.writer('big/data')
      await w.append(Readable.from([big.subarray(0, 1_000_000), big.subarray(1_000_000)]))
      await w.commit()
      let n = 0
      let parts = 0
      for await (const c of await d.reader('big/data')) {
        n += (c as Buffer).length
        parts++
      }
      assert.equal(n, big.length)
      assert.ok(parts > 1, 'the reader streams in chunks')
    }))
  })
}
