// The restore window (issue #14): an expired image is untagged and does not pull, but GC keeps its
// bytes; restoring it within the window (API and `drydock repo restore`) brings it back with its
// tags and its signature; a tag that now points elsewhere is refused unless --force moves it (an
// immutable one never moves); after the window it is deleted for real and GC frees its bytes
// (`du -sb` of the data directory shrinks by them). Every expiry, restore and deletion is audited.
import assert from 'node:assert/strict'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import type { RepositoryName } from '../../src/oci/reference.ts'
import { SqliteStore } from '../../src/registry/metadata/sqlite/sqlite-store.ts'
import { pushBlob, putManifest } from '../../src/registry/testing/registry-fixture.ts'
import { mustRun } from '../../src/testkit/run-tool.ts'
import { drydockCli, mustCli } from '../auth/run-drydock-cli.ts'
import { DAY, startLifecycleWorld, type LifecycleWorld } from './lifecycle-world.ts'

const KEEP = (n: number): string => JSON.stringify({
  rules: [{ rulePriority: 1, description: `Keep the last ${n}`, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: n }, action: { type: 'expire' } }],
}).padEnd(100, ' ')

async function du(dir: string): Promise<number> {
  return Number((await mustRun('du', ['-sb', dir])).stdout.split('\t')[0])
}

async function fileBytes(dir: string): Promise<number> {
  let total = 0
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size
  }
  return total
}

describe('restore window', { timeout: 300_000 }, () => {
  let w: LifecycleWorld
  let audit: SqliteStore
  before(async () => {
    w = await startLifecycleWorld()
    // A second connection to the same database, to read the audit log (access control is off here).
    audit = new SqliteStore(join(w.fx.dataDir, 'metadata.db'))
  })
  after(async () => {
    await audit?.close()
    await w?.close()
  })

  const run = (repo: string) => w.api('POST', `/api/v1/repositories/${repo}/lifecycle-policy/run`)
  const events = async (action: string, repo: string) => audit.auth.audit.query({ action, repository: repo, limit: 100 })
  const tagsOf = async (repo: string) => ((await (await fetch(`${w.url}/v2/${repo}/tags/list`)).json()) as { tags: string[] }).tags

  /** A signature of `subject`: an OCI artifact manifest whose subject is the image. */
  async function sign(repo: string, subject: string, seed: string): Promise<string> {
    const payload = `{"signed":"${seed}"}`
    const blob = await pushBlob(w.fx.app, repo, payload)
    const empty = await pushBlob(w.fx.app, repo, '{}')
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty, size: 2 },
      layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: blob, size: payload.length }],
      subject: { mediaType: MediaType.ociManifest, digest: subject, size: 1 },
    }))
    const digest = digestOf(manifest)
    assert.equal((await putManifest(w.fx.app, repo, digest, manifest)).statusCode, 201)
    return digest
  }

  test('expired: untagged, not pullable, signature hidden; restore brings back tags and signature; conflicts refused or forced', async () => {
    const repo = 'restore/app'
    const t0 = w.fx.clock.now().getTime()
    const v0 = await w.push(repo, 'r-v0', ['v0', 'stable'], new Date(t0))
    const sig = await sign(repo, v0, 'v0')
    const v1 = await w.push(repo, 'r-v1', ['v1', 'candidate'], new Date(t0 + DAY))
    await w.push(repo, 'r-v2', ['v2'], new Date(t0 + 2 * DAY))
    await w.push(repo, 'r-v3', ['v3'], new Date(t0 + 3 * DAY))
    w.fx.clock.set(new Date(t0 + 4 * DAY))
    await w.setPolicy(repo, KEEP(2))

    const r = await run(repo)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.deepEqual(r.body.expired.map((e: any) => [e.digest, e.tags, e.rulePriority, e.carried.map((c: any) => c.digest)]), [
      [v0, ['stable', 'v0'], 1, [sig]],
      [v1, ['candidate', 'v1'], 1, []],
    ])
    assert.equal(r.body.restoreUntil, new Date(t0 + 11 * DAY).toISOString())
    for (const ref of [v0, v1, sig, 'v0', 'stable', 'v1', 'candidate']) assert.equal(await w.pull(repo, ref), 404, ref)
    const missing = await (await fetch(`${w.url}/v2/${repo}/manifests/${v0}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json() as any
    assert.equal(missing.errors[0].code, 'MANIFEST_UNKNOWN')
    assert.deepEqual(await tagsOf(repo), ['v2', 'v3'])
    const referrers = await (await fetch(`${w.url}/v2/${repo}/referrers/${v0}`)).json() as any
    assert.deepEqual(referrers.manifests, [])
    // One audit event per expired image, with the repository, digest, tags and rule.
    const expired = await events('lifecycle.expire', repo)
    assert.deepEqual(expired.map((e) => [e.actor, e.detail?.['digest'], e.detail?.['tags'], e.detail?.['rulePriority']]), [
      ['anonymous', v0, ['stable', 'v0'], 1], ['anonymous', v1, ['candidate', 'v1'], 1],
    ])

    // Meanwhile `stable` and `candidate` were pushed again, onto new images.
    const other = await w.push(repo, 'r-other', ['stable', 'candidate'])
    // Restore v0 through the API: v0 comes back with its signature; `stable` stays where it is.
    const restored = await w.api('POST', `/api/v1/repositories/${repo}/expired-images/${v0}/restore`)
    assert.equal(restored.status, 200, JSON.stringify(restored.body))
    assert.deepEqual(restored.body.restored, [v0, sig])
    assert.deepEqual(restored.body.tags, ['v0'])
    assert.deepEqual(restored.body.refusedTags, [{ tag: 'stable', digest: other, reason: 'moved' }])
    assert.equal(await w.pull(repo, v0), 200)
    assert.equal(await w.pull(repo, 'v0'), 200)
    assert.equal(await w.pull(repo, sig), 200)
    const back = await (await fetch(`${w.url}/v2/${repo}/referrers/${v0}`)).json() as any
    assert.deepEqual(back.manifests.map((m: any) => m.digest), [sig])

    // Restore v1 through the CLI with --force: `candidate` moves back to it.
    const table = await mustCli(['repo', 'restore', repo, v1, '--force'], w.cliEnv)
    assert.match(table, /candidate,v1|v1,candidate/, table)
    assert.equal(await w.pull(repo, 'candidate'), 200)
    const moved = await (await fetch(`${w.url}/v2/${repo}/manifests/candidate`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).headers.get('docker-content-digest')
    assert.equal(moved, v1)
    assert.deepEqual((await events('lifecycle.restore', repo)).map((e) => [e.detail?.['digest'], e.detail?.['tags']]), [[v0, ['v0']], [v1, ['candidate', 'v1']]])

    // Nothing is left to restore; restoring again, or an image that never expired, is a clear 404.
    assert.deepEqual((await w.api('GET', `/api/v1/repositories/${repo}/expired-images`)).body.images, [])
    const again = await drydockCli(['repo', 'restore', repo, v1], w.cliEnv)
    assert.notEqual(again.code, 0)
    assert.match(again.stderr, /is not an expired image of restore\/app/)
    const bad = await drydockCli(['repo', 'restore', repo, 'not-a-digest'], w.cliEnv)
    assert.match(bad.stderr, /invalid digest/)
  })

  test('an immutable tag that now points elsewhere is not moved, even with --force', async () => {
    const repo = 'restore/frozen'
    const a = await w.push(repo, 'f-a', ['x'], new Date(w.fx.clock.now().getTime() + 1000))
    await w.push(repo, 'f-b', ['y'], new Date(w.fx.clock.now().getTime() + 1000))
    const put = await fetch(`${w.url}/api/v1/repositories/${repo}/settings`, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lifecyclePolicy: KEEP(1), imageTagMutability: 'IMMUTABLE' }),
    })
    assert.equal(put.status, 200)
    assert.deepEqual((await run(repo)).body.expired.map((e: any) => e.digest), [a])
    const c = await w.push(repo, 'f-c', ['x'])
    const r = await w.api('POST', `/api/v1/repositories/${repo}/expired-images/${a}/restore?force=true`)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.deepEqual(r.body.refusedTags, [{ tag: 'x', digest: c, reason: 'immutable' }])
    assert.equal(await w.pull(repo, a), 200)
  })

  test('GC keeps an expired image\'s bytes during the window; after it the image is gone for good and du shrinks by its bytes', async () => {
    const repo = 'restore/window'
    const layers: Record<string, Buffer> = { old: Buffer.alloc(1024 * 1024, 1), mid: Buffer.alloc(512 * 1024, 2), new: Buffer.alloc(64 * 1024, 3) }
    const digests: Record<string, string> = {}
    const sizes: Record<string, number> = {}
    let t = w.fx.clock.now().getTime()
    for (const name of ['old', 'mid', 'new']) {
      w.fx.clock.set(new Date((t += DAY)))
      const config = `{"architecture":"amd64","os":"linux","name":"${name}"}`
      const configDigest = await pushBlob(w.fx.app, repo, config)
      const layer = layers[name] as Buffer
      const layerDigest = await pushBlob(w.fx.app, repo, layer)
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2, mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
        layers: [{ mediaType: MediaType.ociLayerGzip, digest: layerDigest, size: layer.length }],
      }))
      assert.equal((await putManifest(w.fx.app, repo, name, manifest)).statusCode, 201)
      digests[name] = digestOf(manifest)
      sizes[name] = manifest.length + config.length + layer.length
    }
    await w.setPolicy(repo, KEEP(1))
    const gc = () => w.fx.app.drydock.gc.run()
    await gc()
    const storage = join(w.fx.dataDir, 'storage')
    const filesBefore = await fileBytes(storage)

    assert.deepEqual((await run(repo)).body.expired.map((e: any) => e.digest), [digests['old'], digests['mid']])
    // Within the window GC frees nothing of them: they can still be restored.
    assert.equal((await gc()).deletedBlobs, 0)
    assert.equal(await fileBytes(storage), filesBefore)
    const listed = await w.api('GET', `/api/v1/repositories/${repo}/expired-images`)
    assert.deepEqual(listed.body.images.map((e: any) => e.digest).sort(), [digests['old'], digests['mid']].sort())
    // `mid` is restored just before the window ends; `old` is not.
    w.fx.clock.advance(7 * DAY - 1000)
    assert.equal((await w.api('POST', `/api/v1/repositories/${repo}/expired-images/${digests['mid']}/restore`)).status, 200)
    w.fx.clock.advance(2000)
    const late = await w.api('POST', `/api/v1/repositories/${repo}/expired-images/${digests['old']}/restore`)
    assert.equal(late.status, 404)
    assert.match(late.body.errors[0].message, /restore window of .* ended at/)
    assert.deepEqual((await w.api('GET', `/api/v1/repositories/${repo}/expired-images`)).body.images, [])

    // The next run deletes `old` for real (and expires `mid` again: the policy still keeps one).
    const duBefore = await du(w.fx.dataDir)
    const duStorageBefore = await du(storage)
    const r = await run(repo)
    assert.deepEqual(r.body.deleted, [digests['old']])
    assert.deepEqual((await events('lifecycle.delete', repo)).map((e) => [e.detail?.['digest'], e.detail?.['tags']]), [[digests['old'], ['old']]])
    assert.equal(await w.pull(repo, digests['old'] as string), 404)
    const report = await gc()
    assert.equal(report.deletedBlobs, 3, 'manifest, config and layer of the deleted image')
    assert.equal(report.freedBytes, sizes['old'])
    assert.equal(filesBefore - (await fileBytes(storage)), sizes['old'], 'exactly its bytes are gone')
    const storageShrunk = duStorageBefore - (await du(storage))
    assert.ok(storageShrunk >= (sizes['old'] as number) && storageShrunk <= (sizes['old'] as number) + 3 * 4096, `du of storage/ shrank by ${storageShrunk}, expected ${sizes['old']} (+ directories)`)
    // The metadata database's WAL grows with the run's writes; the data directory still shrinks by about the image.
    const shrunk = duBefore - (await du(w.fx.dataDir))
    assert.ok(shrunk > (sizes['old'] as number) / 2, `du -sb of the data directory shrank by ${shrunk}, expected about ${sizes['old']}`)
    // Gone for good: it cannot be restored, and it is no longer among the manifests.
    assert.equal((await w.api('POST', `/api/v1/repositories/${repo}/expired-images/${digests['old']}/restore`)).status, 404)
    assert.equal(await audit.lifecycle.get(repo as RepositoryName, digests['old'] as any), undefined)
    assert.equal(await w.pull(repo, 'new'), 200)
  })
})
