/**
 * ScanRepo cases of the metadata conformance suite (run by runMetadataSuite for every backend):
 * the queue's claim/lease/retry/finish rules from scan-store.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { MetadataStore } from '../store.ts'

const repo = 'team/app' as RepositoryName
const t0 = new Date('2026-01-01T00:00:00Z')
const after = (ms: number): Date => new Date(t0.getTime() + ms)

export function runScanSuite(name: string, withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  describe(`scan queue suite: ${name}`, () => {
    it('enqueue → claim (lease, attempt) → finish; a claimed job is not claimed twice', withStore(async (s) => {
      const a = digestOf('a')
      const b = digestOf('b')
      await s.scans.enqueue(repo, a, t0)
      await s.scans.enqueue(repo, b, after(1))
      assert.equal((await s.scans.get(repo, a))?.status, 'PENDING')
      const first = await s.scans.claim('w1', after(10), 1000, 1)
      assert.deepEqual(first.map((j) => j.digest), [a], 'oldest first, limit respected')
      assert.equal(first[0]?.status, 'IN_PROGRESS')
      assert.equal(first[0]?.attempts, 1)
      assert.equal(first[0]?.leaseExpiresAt?.getTime(), after(1010).getTime())
      const second = await s.scans.claim('w2', after(20), 1000, 5)
      assert.deepEqual(second.map((j) => j.digest), [b])
      assert.equal(await s.scans.finish(repo, a, 'w2', { status: 'COMPLETE', at: after(30) }), false, 'not the holder')
      assert.equal(await s.scans.finish(repo, a, 'w1', { status: 'COMPLETE', at: after(30), scannerVersion: '1.0', advisoryVersion: 'v', result: '{"x":1}' }), true)
      const done = await s.scans.get(repo, a)
      assert.equal(done?.status, 'COMPLETE')
      assert.equal(done?.result, '{"x":1}')
      assert.equal(done?.scannerVersion, '1.0')
      assert.equal(done?.completedAt?.getTime(), after(30).getTime())
      assert.equal(done?.leaseOwner, undefined)
      assert.deepEqual(await s.scans.claim('w3', after(40), 1000, 5), [])
    }))

    it('an expired lease (a crashed worker) is claimed again; the old holder can no longer finish', withStore(async (s) => {
      const a = digestOf('crash')
      await s.scans.enqueue(repo, a, t0)
      await s.scans.claim('dead', t0, 500, 1)
      assert.deepEqual(await s.scans.claim('w', after(499), 500, 1), [], 'lease still valid')
      assert.equal(await s.scans.renew(repo, a, 'dead', after(600)), true)
      assert.deepEqual(await s.scans.claim('w', after(599), 500, 1), [], 'renewed lease still valid')
      assert.equal((await s.scans.nextDue())?.getTime(), after(600).getTime())
      const again = await s.scans.claim('w', after(600), 500, 1)
      assert.equal(again[0]?.attempts, 2)
      assert.equal(await s.scans.renew(repo, a, 'dead', after(2000)), false)
      assert.equal(await s.scans.finish(repo, a, 'dead', { status: 'FAILED', at: after(700) }), false)
      assert.equal(await s.scans.finish(repo, a, 'w', { status: 'FAILED', description: 'boom', at: after(700) }), true)
      assert.equal((await s.scans.get(repo, a))?.description, 'boom')
    }))

    it('retry waits for its backoff; re-enqueue resets a finished job but keeps its result', withStore(async (s) => {
      const a = digestOf('retry')
      await s.scans.enqueue(repo, a, t0)
      await s.scans.claim('w', t0, 1000, 1)
      assert.equal(await s.scans.retry(repo, a, 'w', after(5000), 'db busy'), true)
      const waiting = await s.scans.get(repo, a)
      assert.equal(waiting?.status, 'PENDING')
      assert.equal(waiting?.description, 'db busy')
      assert.equal((await s.scans.nextDue())?.getTime(), after(5000).getTime())
      assert.deepEqual(await s.scans.claim('w', after(4999), 1000, 1), [])
      assert.equal((await s.scans.claim('w', after(5000), 1000, 1)).length, 1)
      await s.scans.finish(repo, a, 'w', { status: 'COMPLETE', at: after(6000), result: 'r1' })
      await s.scans.enqueue(repo, a, after(7000))
      const again = await s.scans.get(repo, a)
      assert.equal(again?.status, 'PENDING')
      assert.equal(again?.attempts, 0)
      assert.equal(again?.result, 'r1', 'previous result readable until the new one lands')
      assert.equal(await s.scans.nextDue().then((d) => d?.getTime()), after(7000).getTime())
    }))

    it('manifestsOf lists the manifests of one repository', withStore(async (s) => {
      const m = (c: string, r: string) => ({ repo: r as RepositoryName, digest: digestOf(c), mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 2, pushedAt: t0 })
      await s.manifests.put(m('m1', 'team/app'))
      await s.manifests.put(m('m2', 'team/app'))
      await s.manifests.put(m('m3', 'other'))
      assert.deepEqual([...(await s.scans.manifestsOf(repo, 10))].sort(), [digestOf('m1'), digestOf('m2')].sort())
      assert.equal(await s.scans.get(repo, digestOf('zzz')), undefined)
    }))

    it('queueDepth counts waiting and running jobs; findingsBySeverity sums the stored results\' per-image counts', withStore(async (s) => {
      assert.deepEqual(await s.scans.queueDepth(), { pending: 0, inProgress: 0 })
      assert.deepEqual(await s.scans.findingsBySeverity(), { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 })
      const counts = (c: Record<string, number>) => ({ report: { counts: { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0, ...c } } })
      const index = JSON.stringify({ kind: 'drydock.scan-result', images: [counts({ HIGH: 2, LOW: 1 }), counts({ HIGH: 1, CRITICAL: 3 })] })
      const single = JSON.stringify({ kind: 'drydock.scan-result', images: [counts({ MEDIUM: 4, UNKNOWN: 1 })] })
      for (const [i, c] of ['f1', 'f2', 'f3'].entries()) await s.scans.enqueue(repo, digestOf(c), after(i - 3))
      await s.scans.claim('w', t0, 1000, 2)
      assert.deepEqual(await s.scans.queueDepth(), { pending: 1, inProgress: 2 })
      await s.scans.finish(repo, digestOf('f1'), 'w', { status: 'COMPLETE', at: after(1), result: index })
      await s.scans.finish(repo, digestOf('f2'), 'w', { status: 'COMPLETE', at: after(1), result: single })
      assert.deepEqual(await s.scans.queueDepth(), { pending: 1, inProgress: 0 })
      assert.deepEqual(await s.scans.findingsBySeverity(), { UNKNOWN: 1, LOW: 1, MEDIUM: 4, HIGH: 3, CRITICAL: 3 })
      // A rescan keeps the previous result until the new one lands: still counted.
      await s.scans.enqueue(repo, digestOf('f1'), after(2))
      assert.deepEqual(await s.scans.queueDepth(), { pending: 2, inProgress: 0 })
      assert.equal((await s.scans.findingsBySeverity()).CRITICAL, 3)
    }))
  })
}
