// Last pull per image over real HTTP (docs/lifecycle.md "Last pull"): a manifest GET is a pull,
// a HEAD is not, repeated GETs are coalesced in memory into one row written by a flush; and the
// lifecycle preview measures sinceImagePulled from it, with the fixture's fake clock: images
// pulled recently are kept, images not pulled for N days expire, never-pulled images count from
// their push, and an index counts as pulled when a platform manifest it lists was pulled by digest.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { MediaType } from '../../src/oci/media-types.ts'
import type { RepositoryName } from '../../src/oci/reference.ts'
import type { Digest } from '../../src/oci/digest.ts'
import { digestOf } from '../../src/oci/digest.ts'
import { SqliteStore } from '../../src/registry/metadata/sqlite/sqlite-store.ts'
import { imageManifest, putManifest, startFixture, type RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'

const DAY = 86_400_000
const ACCEPT = `${MediaType.ociManifest}, ${MediaType.ociIndex}`
const EXPIRE_NOT_PULLED_10_DAYS = JSON.stringify({
  rules: [{ rulePriority: 1, description: 'Not pulled for 10 days', selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 10 }, action: { type: 'expire' } }],
})

describe('last pull per image over HTTP', () => {
  let fx: RegistryFixture
  let url: string
  const digests: Record<string, Digest> = {}

  const get = (repo: string, ref: string, method = 'GET') => fetch(`${url}/v2/${repo}/manifests/${ref}`, { method, headers: { accept: ACCEPT } })
  const stored = async (repo: string, list: readonly Digest[]) => {
    // A second connection on the same database file: what a replica or a restart would read.
    const reader = new SqliteStore(join(fx.dataDir, 'metadata.db'))
    try {
      return await reader.pulls.lastPulled(repo as RepositoryName, list)
    } finally {
      await reader.close()
    }
  }

  before(async () => {
    fx = await startFixture()
    await fx.app.listen({ host: '127.0.0.1', port: 0 })
    url = `http://127.0.0.1:${(fx.app.server.address() as AddressInfo).port}`
  })
  after(async () => {
    await fx?.close()
  })

  test('a GET records the time after a flush, a HEAD does not, repeated GETs coalesce into the latest', async () => {
    const a = await imageManifest(fx.app, 'pulls/app', 'a')
    const b = await imageManifest(fx.app, 'pulls/app', 'b')
    assert.equal((await putManifest(fx.app, 'pulls/app', 'a', a.manifest)).statusCode, 201)
    assert.equal((await putManifest(fx.app, 'pulls/app', 'b', b.manifest)).statusCode, 201)

    assert.equal((await get('pulls/app', 'b', 'HEAD')).status, 200)
    for (let i = 0; i < 3; i++) {
      fx.clock.advance(1000)
      const res = await get('pulls/app', i === 1 ? a.digest : 'a')
      assert.equal(res.status, 200)
      await res.arrayBuffer()
    }
    const lastGet = fx.clock.now()
    assert.equal(fx.app.drydock.pulls.pending, 1, 'three GETs by tag and digest: one pending image')
    assert.deepEqual(await stored('pulls/app', [a.digest, b.digest]), new Map(), 'nothing written before a flush')

    await fx.app.drydock.pulls.flush()
    assert.deepEqual(await stored('pulls/app', [a.digest, b.digest]), new Map([[a.digest, lastGet]]), 'the last GET; HEAD is not a pull')
  })

  test('pulls still in memory are written when the server shuts down', async () => {
    const c = await imageManifest(fx.app, 'pulls/app', 'c')
    assert.equal((await putManifest(fx.app, 'pulls/app', 'c', c.manifest)).statusCode, 201)
    assert.equal((await get('pulls/app', 'c')).status, 200)
    const pulledAt = fx.clock.now()
    assert.equal(fx.app.drydock.pulls.pending, 1)
    await fx.restart() // closes the app (and its store) the way `drydock serve` does on SIGTERM
    await fx.app.listen({ host: '127.0.0.1', port: 0 })
    url = `http://127.0.0.1:${(fx.app.server.address() as AddressInfo).port}`
    assert.deepEqual(await stored('pulls/app', [c.digest]), new Map([[c.digest, pulledAt]]))
  })

  test('sinceImagePulled preview: recently pulled kept, not pulled for 10 days expired, never pulled counted from the push', async () => {
    const repo = 'pulls/life'
    const push = async (name: string, tag: string) => {
      const image = await imageManifest(fx.app, repo, name)
      assert.equal((await putManifest(fx.app, repo, tag, image.manifest)).statusCode, 201)
      digests[name] = image.digest
    }
    // Day 0: old-pulled, stale-headed and platform pushed; an index lists platform.
    await push('oldPulled', 'old-pulled')
    await push('staleHeaded', 'stale-headed')
    await push('recentlyPulled', 'recently-pulled')
    await push('platform', 'platform-only-by-digest')
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MediaType.ociIndex,
      manifests: [{ mediaType: MediaType.ociManifest, digest: digests['platform'], size: 1, platform: { architecture: 'amd64', os: 'linux' } }],
    }))
    // Untag the platform manifest so only the index makes it an image.
    assert.equal((await fx.app.inject({ method: 'DELETE', url: `/v2/${repo}/manifests/platform-only-by-digest` })).statusCode, 202)
    const indexPut = await putManifest(fx.app, repo, 'multi', index, MediaType.ociIndex)
    assert.equal(indexPut.statusCode, 201, indexPut.body)
    digests['index'] = digestOf(index)

    fx.clock.advance(2 * DAY)
    const oldPullAt = fx.clock.now()
    assert.equal((await get(repo, 'old-pulled')).status, 200)

    fx.clock.advance(18 * DAY) // day 20
    await push('newNeverPulled', 'new')
    // A HEAD is not a pull: stale-headed stays measured from its push (day 0).
    assert.equal((await get(repo, 'stale-headed', 'HEAD')).status, 200)
    assert.equal((await get(repo, 'recently-pulled')).status, 200)
    // A client pinned to a platform pulls only the child, by digest: the index is in use.
    assert.equal((await get(repo, digests['platform'] as string)).status, 200)
    await fx.app.drydock.pulls.flush()

    const put = await fetch(`${url}/api/v1/repositories/${repo}/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lifecyclePolicy: EXPIRE_NOT_PULLED_10_DAYS }) })
    assert.equal(put.status, 200, await put.clone().text())
    const res = await fetch(`${url}/api/v1/repositories/${repo}/lifecycle-policy/preview`)
    assert.equal(res.status, 200, await res.clone().text())
    const body = await res.json() as any
    const expired = new Map<string, any>(body.expired.map((e: any) => [e.digest, e]))
    assert.deepEqual([...expired.keys()].sort(), [digests['oldPulled'], digests['staleHeaded']].sort(), JSON.stringify(body, null, 1))
    assert.equal(expired.get(digests['oldPulled'] as string).lastPulledAt, oldPullAt.toISOString())
    assert.equal(expired.get(digests['staleHeaded'] as string).lastPulledAt, undefined, 'never pulled')
    // Kept: recently pulled, the new never-pulled image (pushed today), the index and its child.
    assert.equal(body.kept, 4)
  })
})

describe('pulls.record false', () => {
  test('a GET notes nothing', async () => {
    const fx = await startFixture({ pulls: { record: false, flushIntervalMs: 10_000 } })
    try {
      const image = await imageManifest(fx.app, 'quiet/app', 'q')
      assert.equal((await putManifest(fx.app, 'quiet/app', 'q', image.manifest)).statusCode, 201)
      const res = await fx.app.inject({ method: 'GET', url: '/v2/quiet/app/manifests/q', headers: { accept: ACCEPT } })
      assert.equal(res.statusCode, 200)
      assert.equal(fx.app.drydock.pulls.pending, 0)
    } finally {
      await fx.close()
    }
  })
})
