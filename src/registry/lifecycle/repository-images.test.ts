import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf, type Digest } from '../../oci/digest.ts'
import { MediaType } from '../../oci/media-types.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import type { ManifestRecord } from '../metadata/store.ts'
import { evaluateLifecycle } from './evaluate.ts'
import { parseLifecyclePolicy } from './parse-policy.ts'
import { repositoryImages } from './repository-images.ts'

const repo = 'team/app' as RepositoryName
const at = (day: number): Date => new Date(Date.UTC(2026, 0, day))
const fakeDigest = (seed: string): Digest => digestOf(Buffer.from(seed))

async function setup() {
  const store = new SqliteStore(':memory:')
  const bytes = new Map<string, Buffer>()
  const put = async (m: Omit<ManifestRecord, 'repo' | 'size'>, tags: string[] = [], body?: Buffer) => {
    await store.manifests.put({ repo, size: body?.length ?? 10, ...m })
    if (body) bytes.set(m.digest, body)
    for (const t of tags) await store.tags.put(repo, t as Tag, m.digest, m.pushedAt)
  }
  const deps = {
    store,
    content: async (r: ManifestRecord) => {
      const b = bytes.get(r.digest)
      if (!b) throw new Error(`no bytes for ${r.digest}`)
      return b
    },
  }
  return { store, put, deps }
}

describe('repositoryImages', () => {
  it('builds one image per manifest: tags, index children, referrers by subject and by cosign tag', async () => {
    const { store, put, deps } = await setup()
    const amd = fakeDigest('amd64'), arm = fakeDigest('arm64'), sbom = fakeDigest('sbom'), sig = fakeDigest('sig'), lone = fakeDigest('lone')
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MediaType.ociIndex,
      manifests: [
        { mediaType: MediaType.ociManifest, digest: amd, size: 10 },
        { mediaType: MediaType.ociManifest, digest: arm, size: 10 },
      ],
    }))
    const indexDigest = digestOf(index)
    await put({ digest: amd, mediaType: MediaType.ociManifest, pushedAt: at(1) })
    await put({ digest: arm, mediaType: MediaType.ociManifest, pushedAt: at(1) })
    await put({ digest: indexDigest, mediaType: MediaType.ociIndex, pushedAt: at(2) }, ['v1', 'latest'], index)
    await put({ digest: sbom, mediaType: MediaType.ociManifest, pushedAt: at(3), subject: indexDigest })
    await put({ digest: sig, mediaType: MediaType.ociManifest, pushedAt: at(4) }, [`sha256-${indexDigest.slice(7)}.sig`])
    await put({ digest: lone, mediaType: MediaType.ociManifest, pushedAt: at(5) })
    // Another repository's manifests are not this one's images.
    await store.manifests.put({ repo: 'other/app' as RepositoryName, digest: fakeDigest('other'), mediaType: MediaType.ociManifest, size: 1, pushedAt: at(1) })

    const images = await repositoryImages(deps, repo)
    const byDigest = new Map(images.map((i) => [i.digest, i]))
    assert.equal(images.length, 6)
    assert.deepEqual(byDigest.get(indexDigest), { digest: indexDigest, pushedAt: at(2), tags: ['latest', 'v1'], manifests: [amd, arm] })
    assert.deepEqual(byDigest.get(amd), { digest: amd, pushedAt: at(1), tags: [] })
    assert.equal(byDigest.get(sbom)?.subject, indexDigest)
    assert.equal(byDigest.get(sig)?.subject, indexDigest)
    assert.deepEqual(byDigest.get(sig)?.tags, [`sha256-${indexDigest.slice(7)}.sig`])
    assert.equal(byDigest.get(lone)?.subject, undefined)
    for (const i of images) assert.equal(i.lastPulledAt, undefined)

    // What the engine makes of it: the index carries its children and both referrers.
    const policy = parseLifecyclePolicy(JSON.stringify({ rules: [{ rulePriority: 1, description: 'keep only the newest image', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] }))
    const preview = evaluateLifecycle(policy, images, at(10))
    assert.deepEqual(preview.expired.map((e) => e.digest), [indexDigest])
    assert.deepEqual(new Set(preview.expired[0]?.carried.map((c) => c.digest)), new Set([amd, arm, sbom, sig]))
    assert.deepEqual(preview.kept, [lone])
    await store.close()
  })

  it('lastPulledAt: each manifest its own; an index the latest of its own and its children\'s', async () => {
    const { store, put, deps } = await setup()
    const amd = fakeDigest('amd64'), arm = fakeDigest('arm64'), never = fakeDigest('never')
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MediaType.ociIndex,
      manifests: [{ mediaType: MediaType.ociManifest, digest: amd, size: 10 }, { mediaType: MediaType.ociManifest, digest: arm, size: 10 }],
    }))
    const indexDigest = digestOf(index)
    await put({ digest: amd, mediaType: MediaType.ociManifest, pushedAt: at(1) })
    await put({ digest: arm, mediaType: MediaType.ociManifest, pushedAt: at(1) })
    await put({ digest: never, mediaType: MediaType.ociManifest, pushedAt: at(1) })
    await put({ digest: indexDigest, mediaType: MediaType.ociIndex, pushedAt: at(2) }, ['v1'], index)
    await store.pulls.record([{ repo, digest: indexDigest, at: at(3) }, { repo, digest: arm, at: at(7) }, { repo, digest: amd, at: at(5) }])
    const byDigest = new Map((await repositoryImages(deps, repo)).map((i) => [i.digest, i]))
    assert.deepEqual(byDigest.get(indexDigest)?.lastPulledAt, at(7))
    assert.deepEqual(byDigest.get(amd)?.lastPulledAt, at(5))
    assert.deepEqual(byDigest.get(arm)?.lastPulledAt, at(7))
    assert.equal(byDigest.get(never)?.lastPulledAt, undefined)
    assert.equal('lastPulledAt' in (byDigest.get(never) ?? {}), false)
    await store.close()
  })

  it('pages through a repository larger than one page', async () => {
    const { store, put, deps } = await setup()
    const want = new Set<string>()
    for (let i = 0; i < 1203; i++) {
      const d = fakeDigest(`m${i}`)
      want.add(d)
      await put({ digest: d, mediaType: MediaType.ociManifest, pushedAt: at(1) })
    }
    const images = await repositoryImages(deps, repo)
    assert.equal(images.length, 1203)
    assert.deepEqual(new Set(images.map((i) => i.digest)), want)
    await store.close()
  })

  it('is empty for a repository without manifests', async () => {
    const { store, deps } = await setup()
    assert.deepEqual(await repositoryImages(deps, repo), [])
    await store.close()
  })
})
