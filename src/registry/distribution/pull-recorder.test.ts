// The pull recorder on a real SQLite store: pulls are noted in memory and written only by a
// flush (one transaction, one row per image however many pulls), early when the map is full,
// on close, and kept for the next flush when a write fails.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf, type Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { ImagePull } from '../metadata/pull-store.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import { fakeClock } from '../ports.ts'
import { PullRecorder } from './pull-recorder.ts'

const repo = 'team/app' as RepositoryName
const SECOND = 1000

/** A real store whose batch writes are counted (and can be made to fail). */
async function setup(digests: readonly Digest[]) {
  const store = new SqliteStore(':memory:')
  for (const digest of digests) {
    await store.manifests.put({ repo, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, pushedAt: new Date(0) })
  }
  const batches: ImagePull[][] = []
  let failing = false
  const pulls = {
    record: async (list: readonly ImagePull[]) => {
      if (failing) throw new Error('disk full')
      batches.push([...list])
      await store.pulls.record(list)
    },
    lastPulled: store.pulls.lastPulled,
  }
  const counted = Object.assign(Object.create(store) as MetadataStore, {
    pulls,
    transaction: <T>(fn: (tx: MetadataStore) => Promise<T>) => store.transaction(() => fn(counted)),
  })
  const clock = fakeClock('2026-03-01T00:00:00Z')
  return { store, counted, clock, batches, fail: (on: boolean) => { failing = on } }
}

describe('PullRecorder', () => {
  it('coalesces repeated pulls of an image into one row with the latest time, written only by a flush', async () => {
    const a = digestOf('a'), b = digestOf('b')
    const t = await setup([a, b])
    const recorder = new PullRecorder({ store: t.counted, clock: t.clock, flushIntervalMs: 10 * SECOND })
    recorder.record(repo, a)
    t.clock.advance(SECOND)
    recorder.record(repo, b)
    t.clock.advance(SECOND)
    recorder.record(repo, a)
    const lastA = t.clock.now()
    assert.equal(recorder.pending, 2)
    assert.equal(t.batches.length, 0, 'no write per request')
    assert.deepEqual(await t.store.pulls.lastPulled(repo, [a, b]), new Map())
    await recorder.flush()
    assert.equal(t.batches.length, 1, 'one batch')
    assert.equal(t.batches[0]?.length, 2, 'one row per image')
    assert.deepEqual(await t.store.pulls.lastPulled(repo, [a, b]), new Map([[a, lastA], [b, new Date(lastA.getTime() - SECOND)]]))
    assert.equal(recorder.pending, 0)
    await recorder.flush()
    assert.equal(t.batches.length, 1, 'nothing to write: no transaction')
    await t.store.close()
  })

  it('flushes early when maxPending images are held', async () => {
    const digests = [digestOf('1'), digestOf('2'), digestOf('3')]
    const t = await setup(digests)
    const recorder = new PullRecorder({ store: t.counted, clock: t.clock, flushIntervalMs: 3600 * SECOND, maxPending: 3 })
    recorder.record(repo, digests[0] as Digest)
    recorder.record(repo, digests[1] as Digest)
    assert.equal(t.batches.length, 0)
    recorder.record(repo, digests[2] as Digest)
    await recorder.flush() // waits for the early flush the third pull started
    assert.deepEqual(t.batches.map((batch) => batch.length), [3])
    assert.equal((await t.store.pulls.lastPulled(repo, digests)).size, 3)
    await t.store.close()
  })

  it('keeps a failed batch for the next flush, and close() writes what is left', async () => {
    const a = digestOf('a')
    const t = await setup([a])
    const errors: unknown[] = []
    const recorder = new PullRecorder({ store: t.counted, clock: t.clock, flushIntervalMs: 10 * SECOND, onError: (err) => errors.push(err) })
    recorder.record(repo, a)
    const first = t.clock.now()
    t.fail(true)
    await assert.rejects(recorder.flush(), /disk full/)
    assert.equal(recorder.pending, 1, 'kept')
    t.fail(false)
    await recorder.close()
    assert.deepEqual(await t.store.pulls.lastPulled(repo, [a]), new Map([[a, first]]))
    await t.store.close()
  })

  it('stays bounded: new images beyond twice maxPending are dropped and reported while flushes fail', async () => {
    const digests = Array.from({ length: 10 }, (_, i) => digestOf(`d${i}`))
    const t = await setup(digests)
    const dropped: number[] = []
    const recorder = new PullRecorder({ store: t.counted, clock: t.clock, flushIntervalMs: 10 * SECOND, maxPending: 2, onDropped: (n) => dropped.push(n) })
    t.fail(true)
    for (const d of digests) recorder.record(repo, d)
    await recorder.flush().catch(() => undefined)
    assert.ok(recorder.pending <= 4, `pending ${recorder.pending}`)
    t.fail(false)
    await recorder.flush()
    assert.equal(recorder.pending, 0)
    assert.equal(dropped.reduce((x, y) => x + y, 0) + (await t.store.pulls.lastPulled(repo, digests)).size, 10)
    assert.ok(dropped.length > 0)
    await t.store.close()
  })
})
