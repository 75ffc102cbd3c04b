/**
 * WebhookRepo cases of the metadata conformance suite (run by runMetadataSuite for every backend):
 * subscriptions round-trip and update; deliveries queue once per (webhook, event), are claimed
 * with a lease by one owner at a time, retried with their history, finished, redelivered,
 * released on shutdown, pruned, and deleted with their webhook.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { MetadataStore } from '../store.ts'
import type { WebhookRecord } from '../webhook-store.ts'

const t0 = new Date('2026-01-01T00:00:00Z')
const at = (ms: number): Date => new Date(t0.getTime() + ms)

const hook = (id: string, namespace = 'acme'): WebhookRecord => ({
  id, namespace, url: 'https://hooks.example.com/x', sealedSecret: 'v1.sealed', eventTypes: ['image.pushed'], format: 'cloudevents',
  enabled: true, createdAt: t0, updatedAt: t0, createdBy: 'alice',
})
const delivery = (id: string, webhookId: string, eventId: string) => ({ id, webhookId, eventId, eventType: 'image.pushed', event: `{"id":"${eventId}"}` })

export function runWebhookSuite(name: string, withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  describe(`webhook suite: ${name}`, () => {
    it('round-trips subscriptions per namespace, updates and clears filters, deletes', withStore(async (s) => {
      const a = { ...hook('w1'), minSeverity: 'HIGH', repositoryPattern: 'acme/app-*' }
      await s.webhooks.create(a)
      await s.webhooks.create(hook('w2', 'other'))
      assert.deepEqual(await s.webhooks.get('w1'), a)
      assert.deepEqual((await s.webhooks.list('acme')).map((w) => w.id), ['w1'])
      const updated = await s.webhooks.update('w1', { enabled: false, minSeverity: null, eventTypes: [] }, at(5))
      assert.deepEqual(updated, { ...hook('w1'), eventTypes: [], enabled: false, repositoryPattern: 'acme/app-*', updatedAt: at(5) })
      assert.equal(await s.webhooks.update('nope', { enabled: true }, at(5)), undefined)
      assert.equal(await s.webhooks.delete('w1'), true)
      assert.equal(await s.webhooks.delete('w1'), false)
      assert.equal(await s.webhooks.get('w1'), undefined)
    }))

    it('queues a delivery once per event, claims it for one owner, retries with history, then finishes', withStore(async (s) => {
      await s.webhooks.create(hook('w1'))
      await s.webhooks.enqueue([delivery('d1', 'w1', 'e1'), delivery('d2', 'w1', 'e2')], t0)
      await s.webhooks.enqueue([delivery('d1b', 'w1', 'e1')], at(1))
      assert.equal((await s.webhooks.deliveries('w1', 10)).length, 2)
      assert.deepEqual(await s.webhooks.nextDue(), t0)
      const claimed = await s.webhooks.claim('a', at(10), 1000, 1)
      assert.deepEqual(claimed.map((d) => [d.id, d.status, d.attempts, d.leaseOwner]), [['d1', 'IN_PROGRESS', 1, 'a']])
      assert.deepEqual((await s.webhooks.claim('b', at(10), 1000, 5)).map((d) => d.id), ['d2'], 'a held delivery is not claimed twice')
      assert.equal(await s.webhooks.retry('d1', 'b', at(100), { at: at(20), error: 'x' }), false, 'only the holder writes')
      assert.equal(await s.webhooks.retry('d1', 'a', at(100), { at: at(20), statusCode: 500, responseBody: 'boom' }), true)
      assert.equal((await s.webhooks.claim('a', at(50), 1000, 5)).length, 0, 'not before its backoff')
      const again = await s.webhooks.claim('a', at(100), 1000, 5)
      assert.deepEqual(again.map((d) => [d.id, d.attempts]), [['d1', 2]])
      assert.equal(await s.webhooks.finish('d1', 'a', 'SUCCEEDED', { at: at(110), statusCode: 204 }), true)
      const done = await s.webhooks.delivery('w1', 'd1')
      assert.equal(done?.status, 'SUCCEEDED')
      assert.deepEqual(done?.history.map((h) => h.statusCode), [500, 204])
      assert.deepEqual(done?.lastAttempt, { at: at(110), statusCode: 204 })
      assert.deepEqual(done?.completedAt, at(110))
      assert.equal(done?.leaseOwner, undefined)
    }))

    it('reclaims a delivery whose lease ran out, releases on shutdown, redelivers by hand', withStore(async (s) => {
      await s.webhooks.create(hook('w1'))
      await s.webhooks.enqueue([delivery('d1', 'w1', 'e1')], t0)
      await s.webhooks.claim('dead', at(0), 100, 1)
      assert.equal(await s.webhooks.redeliver('w1', 'd1', at(1)), undefined, 'not while in progress')
      const taken = await s.webhooks.claim('alive', at(200), 100, 1)
      assert.deepEqual(taken.map((d) => [d.id, d.attempts]), [['d1', 2]])
      assert.equal(await s.webhooks.release('d1', 'alive'), true)
      assert.equal((await s.webhooks.delivery('w1', 'd1'))?.status, 'PENDING')
      assert.equal((await s.webhooks.delivery('w1', 'd1'))?.attempts, 1)
      await s.webhooks.claim('alive', at(300), 100, 1)
      await s.webhooks.finish('d1', 'alive', 'FAILED', { at: at(310), error: 'gave up' })
      const redone = await s.webhooks.redeliver('w1', 'd1', at(400))
      assert.deepEqual([redone?.status, redone?.attempts, redone?.history.length], ['PENDING', 0, 1])
      assert.equal(await s.webhooks.redeliver('w2', 'd1', at(400)), undefined, 'only under its own webhook')
    }))

    it('prunes finished deliveries only, and a webhook takes its deliveries with it', withStore(async (s) => {
      await s.webhooks.create(hook('w1'))
      await s.webhooks.enqueue([delivery('d1', 'w1', 'e1'), delivery('d2', 'w1', 'e2')], t0)
      await s.webhooks.claim('a', at(1), 1000, 1)
      await s.webhooks.finish('d1', 'a', 'SUCCEEDED', { at: at(2), statusCode: 200 })
      assert.equal(await s.webhooks.prune(at(3), 10), 1)
      assert.deepEqual((await s.webhooks.deliveries('w1', 10)).map((d) => d.id), ['d2'])
      await s.webhooks.delete('w1')
      assert.equal(await s.webhooks.delivery('w1', 'd2'), undefined)
      assert.equal(await s.webhooks.nextDue(), undefined)
    }))
  })
}
