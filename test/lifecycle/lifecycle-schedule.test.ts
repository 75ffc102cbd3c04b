// The scheduled lifecycle pass (what `lifecycle.interval` runs): every repository with an
// effective policy is run, repositories without one are left alone, and images whose restore
// window has passed are deleted for real, in every repository. Driven by calling the pass the
// timer calls, with the fake clock (no waiting).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { SqliteStore } from '../../src/registry/metadata/sqlite/sqlite-store.ts'
import { lifecycleServices } from '../../src/registry/lifecycle/register-lifecycle.ts'
import { runLifecyclePass } from '../../src/registry/lifecycle/lifecycle-scheduler.ts'
import { DAY, startLifecycleWorld, type LifecycleWorld } from './lifecycle-world.ts'

const KEEP_ONE = JSON.stringify({
  rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }],
}).padEnd(100, ' ')

describe('scheduled lifecycle pass', () => {
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

  test('runs each repository with a policy, skips the others, deletes after the window', async () => {
    const digests: Record<string, string> = {}
    for (const repo of ['sched/a', 'sched/b', 'sched/none']) {
      for (const v of ['old', 'new']) {
        w.fx.clock.advance(DAY)
        digests[`${repo}:${v}`] = await w.push(repo, `${repo}-${v}`, [v])
      }
    }
    await w.setPolicy('sched/a', KEEP_ONE)
    await w.setPolicy('sched/b', KEEP_ONE)
    const logs: string[] = []
    const log = { info: (_o: object, m: string) => void logs.push(m), error: (o: object, m: string) => assert.fail(`${m} ${JSON.stringify(o)}`) }
    const { expiry, expired } = lifecycleServices(w.fx.config, { store, clock: w.fx.clock, settings: w.fx.app.drydock.settings, manifests: w.fx.app.drydock.manifests, log })

    assert.deepEqual(await runLifecyclePass(store, expiry, expired, log), { repositories: 2, expired: 2, deleted: 0 })
    assert.ok(logs.includes('scheduled lifecycle pass done'), logs.join('\n'))
    assert.equal(await w.pull('sched/a', 'old'), 404)
    assert.equal(await w.pull('sched/b', 'old'), 404)
    assert.equal(await w.pull('sched/none', 'old'), 200)
    const audit = await store.auth.audit.query({ action: 'lifecycle.expire', limit: 10 })
    assert.deepEqual(audit.map((e) => [e.actor, e.repository]), [['system', 'sched/a'], ['system', 'sched/b']])

    w.fx.clock.advance(7 * DAY + 1)
    assert.deepEqual(await runLifecyclePass(store, expiry, expired, log), { repositories: 2, expired: 0, deleted: 2 })
    for (const repo of ['sched/a', 'sched/b']) {
      assert.equal(await store.manifests.get(repo as never, digests[`${repo}:old`] as never), undefined)
      assert.equal(await store.lifecycle.get(repo as never, digests[`${repo}:old`] as never), undefined)
    }
  })
})
