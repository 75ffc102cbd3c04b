// A push racing a lifecycle run (issue #14): the run evaluates without a lock, so pushes can land
// between its evaluation and its writes. Each image is expired in a transaction that re-checks
// what the evaluation saw; an image pushed again (newest now) or whose tag moved away in between is
// kept and reported as skipped, and an image pushed during the run is never touched.
// (Tagging an existing image is a push of it: it refreshes its push time, like b here.) The run is
// paused between evaluation and writes by its test seam (no timing involved).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { SqliteStore } from '../../src/registry/metadata/sqlite/sqlite-store.ts'
import { lifecycleServices } from '../../src/registry/lifecycle/register-lifecycle.ts'
import { imageManifest, putManifest } from '../../src/registry/testing/registry-fixture.ts'
import { DAY, startLifecycleWorld, type LifecycleWorld } from './lifecycle-world.ts'

const KEEP_TWO = JSON.stringify({
  rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }, action: { type: 'expire' } }],
}).padEnd(100, ' ')

describe('a push racing a lifecycle run', () => {
  let w: LifecycleWorld
  let store: SqliteStore
  before(async () => {
    w = await startLifecycleWorld()
    store = new SqliteStore(join(w.fx.dataDir, 'metadata.db'))
  })
  after(async () => {
    await store?.close()
    await w?.close()
  })

  test('images changed between evaluation and expiry are kept; the others expire; a new push is untouched', async () => {
    const repo = 'race/app'
    const app = w.fx.app
    const t0 = w.fx.clock.now().getTime()
    const images = []
    for (const [i, name] of ['a', 'b', 'c', 'd', 'e'].entries()) {
      w.fx.clock.set(new Date(t0 + i * DAY))
      const image = await imageManifest(app, repo, `race-${name}`)
      assert.equal((await putManifest(app, repo, name, image.manifest)).statusCode, 201)
      images.push(image)
    }
    const [a, b, c] = images as [typeof images[0], typeof images[0], typeof images[0]]
    w.fx.clock.set(new Date(t0 + 10 * DAY))
    await w.setPolicy(repo, KEEP_TWO)
    const late = await imageManifest(app, repo, 'race-late')
    const { expiry } = lifecycleServices(w.fx.config, {
      store, clock: w.fx.clock, settings: app.drydock.settings, manifests: app.drydock.manifests,
      hooks: {
        // The evaluation chose a, b and c. Before anything is written: b is pushed again (it is
        // the newest image now), and a new image arrives under c's tag (c is untagged now).
        afterEvaluate: async () => {
          assert.equal((await putManifest(app, repo, 'b', b.manifest)).statusCode, 201)
          assert.equal((await putManifest(app, repo, 'c', late.manifest)).statusCode, 201)
        },
      },
    })
    const report = await expiry.run(repo as never, 'tester')
    assert.deepEqual(report.expired.map((e) => e.digest), [a.digest])
    assert.deepEqual(report.skipped, [
      { digest: b.digest, reason: `${b.digest} was pushed again` },
      { digest: c.digest, reason: `the tags of ${c.digest} changed` },
    ])
    assert.equal(await w.pull(repo, a.digest), 404)
    for (const ref of [b.digest, 'b', c.digest, late.digest, 'c']) assert.equal(await w.pull(repo, ref), 200, ref)
  })

  test('pushing an expired image again brings it back', async () => {
    const repo = 'race/repush'
    const app = w.fx.app
    const old = await imageManifest(app, repo, 'repush-old')
    assert.equal((await putManifest(app, repo, 'old', old.manifest)).statusCode, 201)
    for (const name of ['x', 'y']) {
      w.fx.clock.advance(DAY)
      await w.push(repo, `repush-${name}`, [name])
    }
    await w.setPolicy(repo, KEEP_TWO)
    const run = await w.api('POST', `/api/v1/repositories/${repo}/lifecycle-policy/run`)
    assert.deepEqual(run.body.expired.map((e: any) => e.digest), [old.digest])
    assert.equal(await w.pull(repo, old.digest), 404)
    w.fx.clock.advance(DAY)
    assert.equal((await putManifest(app, repo, 'again', old.manifest)).statusCode, 201)
    assert.equal(await w.pull(repo, old.digest), 200)
    assert.deepEqual((await w.api('GET', `/api/v1/repositories/${repo}/expired-images`)).body.images, [])
  })
})
