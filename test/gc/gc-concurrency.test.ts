// Garbage collection while pushing (issue #14): 20 trials in which skopeo pushes images that share
// layers, and earlier images are deleted, while the server collects garbage every 100 ms (the
// schedule, with a short grace period). After every trial each image just pushed pulls
// completely with every blob hashing to its digest; at the end every image still in the registry
// does (pulled by skopeo), every stored blob hashes to its digest, and every blob no image
// references is gone from the data directory.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { reachableDigests, layoutRoot } from '../../src/testkit/oci-layout-digests.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { storedDigests, writeImage, type BuiltImage } from './small-images.ts'

const TRIALS = 20
const REPOS = ['gc/a', 'gc/b', 'gc/c']
const GRACE_MS = 3000
/** Shared base layers; each image takes two of them, plus one layer of its own. */
const BASES = ['base-0', 'base-1', 'base-2', 'base-3', 'base-4', 'base-5']
const ACCEPT = 'application/vnd.oci.image.manifest.v1+json'

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

interface Pushed {
  readonly repo: string
  readonly image: BuiltImage
}

describe('garbage collection during concurrent pushes', { timeout: 240_000 }, () => {
  let server: RunningDrydock
  let skopeo: Skopeo
  let work: string

  before(async () => {
    skopeo = await createSkopeo()
    work = await mkdtemp(join(tmpdir(), 'drydock-gc-'))
    server = await startDrydock({ args: ['--auth', 'off', '--gc-interval', '100ms', '--gc-grace-period', `${GRACE_MS}ms`] })
  })
  afterEach((t) => logsOnFailure(t, { registry: server?.output }))
  after(async () => {
    await server?.stop()
    await skopeo?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  /** GET the manifest and every blob it names; each must hash to its digest. Returns problems. */
  async function pullProblems(p: Pushed): Promise<string[]> {
    const problems: string[] = []
    const res = await fetch(`${server.url}/v2/${p.repo}/manifests/${p.image.manifest.digest}`, { headers: { accept: ACCEPT } })
    const bytes = new Uint8Array(await res.arrayBuffer())
    if (res.status !== 200 || sha256(bytes) !== p.image.manifest.digest) return [`${p.repo}@${p.image.manifest.digest}: manifest ${res.status}`]
    for (const b of [p.image.config, ...p.image.layers]) {
      const blob = await fetch(`${server.url}/v2/${p.repo}/blobs/${b.digest}`)
      const body = new Uint8Array(await blob.arrayBuffer())
      if (blob.status !== 200 || sha256(body) !== b.digest) problems.push(`${p.repo}: blob ${b.digest} answered ${blob.status}, ${body.length} bytes`)
    }
    return problems
  }

  async function deleteManifest(p: Pushed): Promise<void> {
    const res = await fetch(`${server.url}/v2/${p.repo}/manifests/${p.image.manifest.digest}`, { method: 'DELETE' })
    await res.body?.cancel()
    assert.equal(res.status, 202, `DELETE ${p.repo}@${p.image.manifest.digest}`)
  }

  test(`${TRIALS} trials: pushes sharing layers, deletes and GC; nothing referenced lost, everything unreferenced gone`, async (t) => {
    const trials: Pushed[][] = []
    let seed = 1
    const pick = (): number => (seed = (seed * 48271) % 2147483647) % BASES.length
    for (let k = 0; k < TRIALS; k++) {
      const images: Pushed[] = []
      for (const repo of REPOS) {
        const a = pick()
        const b = (a + 1 + (pick() % (BASES.length - 1))) % BASES.length
        const layers: Array<[string, number]> = [[BASES[a] as string, 64 * 1024], [BASES[b] as string, 16 * 1024], [`unique-${k}-${repo}`, 8 * 1024]]
        images.push({ repo, image: await writeImage(join(work, `t${k}-${repo.replace('/', '-')}`), `t${k}`, layers) })
      }
      // Images of two trials ago go: their unique layers, configs and manifests become garbage,
      // and so do base layers no live image uses (until a later trial pushes them again).
      const old = trials[k - 2] ?? []
      await Promise.all([
        ...old.map((p) => deleteManifest(p)),
        ...images.map((p) => skopeo.copy(`oci:${p.image.dir}:${p.image.tag}`, `docker://${server.host}/${p.repo}:${p.image.tag}`, { timeoutMs: 60_000 })),
      ])
      const problems = (await Promise.all(images.map((p) => pullProblems(p)))).flat()
      assert.deepEqual(problems, [], `trial ${k}: an image just pushed does not pull completely`)
      trials.push(images)
    }

    const live = [...(trials[TRIALS - 2] ?? []), ...(trials[TRIALS - 1] ?? [])]
    const referenced = new Set(live.flatMap((p) => p.image.blobs.map((b) => b.digest)))
    // Everything else becomes collectable once the grace period is over; the schedule collects it.
    const deadline = Date.now() + GRACE_MS + 30_000
    let stored = await storedDigests(server.dataDir)
    while ([...stored].some((d) => !referenced.has(d)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250))
      stored = await storedDigests(server.dataDir)
    }
    assert.deepEqual([...stored].filter((d) => !referenced.has(d)), [], 'unreferenced blobs are still stored')
    assert.deepEqual([...referenced].filter((d) => !stored.has(d)), [], 'referenced blobs were deleted')
    for (const d of stored) {
      const bytes = await readFile(join(server.dataDir, 'storage', 'blobs', 'sha256', d.slice(7, 9), d.slice(7), 'data'))
      assert.equal(sha256(bytes), d, `stored blob ${d} does not hash to its digest`)
    }

    // Every image still in the registry pulls completely with a real client.
    for (const p of live) {
      const out = join(work, `pull-${p.repo.replace('/', '-')}-${p.image.tag}`)
      await skopeo.copy(`docker://${server.host}/${p.repo}:${p.image.tag}`, `oci:${out}:${p.image.tag}`)
      const root = await layoutRoot(out, p.image.tag)
      assert.equal(root.digest, p.image.manifest.digest)
      const blobs = await reachableDigests(out, root)
      assert.deepEqual([...blobs].sort(), p.image.blobs.map((b) => b.digest).sort())
    }

    // The collector did run and delete during the trials (the schedule logs each report).
    const log = server.output().split('\n')
    const reports = log.filter((l) => l.includes('"garbage collection finished"')).map((l) => JSON.parse(l) as { deletedBlobs: number; keptRecent: number })
    assert.ok(reports.length > 20, `only ${reports.length} collections ran`)
    const deleted = reports.reduce((n, r) => n + r.deletedBlobs, 0)
    assert.ok(deleted > 0, 'no collection deleted anything')
    // How often a base layer was uploaded again because a collection had deleted it in between
    // (the race the protocol is about; how often it happens depends on timing, so it is reported).
    const bases = new Set(trials.flat().flatMap((p) => p.image.layers.slice(0, 2).map((l) => l.digest)))
    const baseUploads = log.filter((l) => l.includes('"method":"PUT"') && [...bases].some((d) => l.includes(encodeURIComponent(d)))).length
    t.diagnostic(`${reports.length} collections, ${deleted} blobs deleted, ${reports.reduce((n, r) => n + r.keptRecent, 0)} kept as recent; ` +
      `${bases.size} base layers uploaded ${baseUploads} times`)
  })
})
