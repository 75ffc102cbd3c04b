import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { abortable } from './chunk-streams.ts'

/** V8's full gc(), obtained as buffer-reclaimer.ts does, without --expose-gc for the whole run. */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc')
  try {
    const gc = runInNewContext('gc') as (opts: { type: string }) => void
    return () => gc({ type: 'major' })
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
}

test('abortable keeps no chunk reachable once it has passed it on (a 100 MiB layer was held whole)', async () => {
  const gc = fullGc()
  const refs: WeakRef<Uint8Array>[] = []
  async function* source(): AsyncIterable<Uint8Array> {
    for (let i = 0; i < 64; i++) {
      const chunk = new Uint8Array(256 * 1024)
      refs.push(new WeakRef(chunk))
      yield chunk
    }
  }
  const it = abortable(source(), new AbortController().signal)[Symbol.asyncIterator]()
  for (let i = 0; i < 60; i++) assert.equal((await it.next()).done, false)
  await new Promise((r) => setImmediate(r))
  gc()
  const alive = refs.slice(0, 50).filter((r) => r.deref() !== undefined).length
  assert.ok(alive <= 2, `${alive} of the first 50 chunks are still reachable mid-stream`)
  while (!(await it.next()).done);
})

test('abortable ends with the signal reason while a chunk is awaited', async () => {
  const ac = new AbortController()
  async function* stalled(): AsyncIterable<Uint8Array> {
    yield new Uint8Array(1)
    await new Promise(() => undefined)
  }
  const it = abortable(stalled(), ac.signal)[Symbol.asyncIterator]()
  await it.next()
  const pending = it.next()
  ac.abort(new Error('cancelled'))
  await assert.rejects(pending, /cancelled/)
})
