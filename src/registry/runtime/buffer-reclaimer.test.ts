import assert from 'node:assert/strict'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { createBufferReclaimer, minorGc, reclaiming } from './buffer-reclaimer.ts'

describe('buffer reclaimer', () => {
  it('collects once per budget of released bytes', () => {
    let runs = 0
    const r = createBufferReclaimer(100, () => runs++)
    r.released(60)
    assert.equal(runs, 0)
    r.released(40)
    assert.equal(runs, 1)
    r.released(99)
    assert.equal(runs, 1)
    r.released(250)
    assert.equal(runs, 2)
    assert.equal(r.collections, 2)
  })

  it('does nothing without a collector', () => {
    const r = createBufferReclaimer(1, undefined)
    r.released(1_000)
    assert.equal(r.collections, 0)
  })

  it('gets a working minor GC from the runtime without adding a global gc', () => {
    const before = (globalThis as { gc?: unknown }).gc
    const gc = minorGc()
    assert.equal(typeof gc, 'function', 'Node 24 must allow obtaining gc(); streaming memory is unbounded without it')
    gc?.()
    assert.equal((globalThis as { gc?: unknown }).gc, before)
  })

  it('keeps dead stream buffers bounded by about one budget', () => {
    // 256 MiB of fresh 64 KiB buffers, each dropped at once, as a socket read loop does.
    const budget = 8 * 1024 * 1024
    const r = createBufferReclaimer(budget, minorGc())
    let peak = 0
    let sink = 0
    for (let i = 0; i < 4096; i++) {
      const b = Buffer.allocUnsafeSlow(64 * 1024)
      sink += b.byteLength
      r.released(b.byteLength)
      if (i % 64 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers)
    }
    assert.equal(sink, 256 * 1024 * 1024)
    assert.ok(r.collections >= 30, `collected ${r.collections} times`)
    // Without the reclaimer V8 lets this reach ~64 MiB before reacting.
    assert.ok(peak < 4 * budget, `peak dead-buffer memory ${(peak / 2 ** 20).toFixed(1)} MiB`)
  })
})

describe('reclaiming()', () => {
  it('passes every chunk through unchanged and reports them all', async () => {
    const chunks = [Buffer.from('alpha'), Buffer.alloc(70_000, 1), Buffer.from('omega')]
    let runs = 0
    const r = createBufferReclaimer(1, () => runs++)
    const out: Buffer[] = []
    for await (const c of reclaiming(Readable.from(chunks), r)) out.push(c as Buffer)
    assert.deepEqual(Buffer.concat(out), Buffer.concat(chunks))
    assert.equal(runs, 3)
  })

  it('destroys the source when the result is destroyed (client went away)', async () => {
    let i = 0
    const source = new Readable({
      read() {
        this.push(Buffer.alloc(1024, i++))
      },
    })
    const out = reclaiming(source, createBufferReclaimer(1, undefined))
    await once(out, 'readable')
    const closed = new Promise((resolveClose) => source.once('close', resolveClose))
    out.destroy()
    await closed
    assert.equal(source.destroyed, true)
  })

  it('passes a source error on', async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error('disk gone'))
      },
    })
    await assert.rejects(async () => {
      for await (const _ of reclaiming(source, createBufferReclaimer(1, undefined))) {
        // drain
      }
    }, /disk gone/)
  })
})
