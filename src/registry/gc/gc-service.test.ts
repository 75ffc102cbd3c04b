// The garbage collection protocol, step by step, with the collector paused at its seams (after
// marking, after claiming a blob) while a push does what real clients do at that moment.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf, type Digest } from '../../oci/digest.ts'
import { isRegistryError } from '../../oci/errors.ts'
import { MediaType } from '../../oci/media-types.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { BlobService } from '../distribution/blob-service.ts'
import { ManifestService } from '../distribution/manifest-service.ts'
import { UploadService } from '../distribution/upload-service.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import { fakeClock } from '../ports.ts'
import { MemoryDriver } from '../storage/memory/memory-driver.ts'
import { blobDataPath } from '../storage/paths.ts'
import { BlobPins } from './blob-pins.ts'
import { GcService, type GcDeps } from './gc-service.ts'

const repo = 'gc/app' as RepositoryName
const other = 'gc/other' as RepositoryName
const GRACE = 60 * 60 * 1000
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

async function* body(s: string): AsyncIterable<Uint8Array> {
  yield enc(s)
}

function setup(gcExtra: Partial<GcDeps> = {}, manifestStore?: (s: MetadataStore) => MetadataStore) {
  const driver = new MemoryDriver()
  const store = new SqliteStore(':memory:')
  const clock = fakeClock()
  const pins = new BlobPins(store, clock, { refreshMs: GRACE / 4, waitMs: 5000, pollMs: 5 })
  const blobs = new BlobService({ driver, store, clock, pins })
  let n = 0
  const uploads = new UploadService({ driver, store, blobs, clock, ids: { next: () => `id-${++n}` }, expiryMs: 24 * GRACE })
  const manifests = new ManifestService({ store: manifestStore ? manifestStore(store) : store, blobs, clock })
  const gc = (extra: Partial<GcDeps> = {}) =>
    new GcService({ store, driver, clock, gracePeriodMs: GRACE, purgeUploads: () => uploads.purgeExpired(), ...gcExtra, ...extra })
  /** Pushes a blob through a real upload session. */
  const pushBlob = async (r: RepositoryName, content: string): Promise<Digest> => {
    const s = await uploads.start(r)
    await uploads.commit(r, s.id, digestOf(content), body(content))
    return digestOf(content)
  }
  const manifestOf = (config: Digest, ...layers: Digest[]): Buffer => Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MediaType.ociManifest,
    config: { mediaType: 'application/vnd.example.config+json', digest: config, size: 2 },
    layers: layers.map((d) => ({ mediaType: MediaType.ociLayerGzip ?? 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d, size: 1 })),
  }))
  const putManifest = (r: RepositoryName, tag: string, bytes: Buffer) => manifests.put(r, { kind: 'tag', tag: tag as Tag }, bytes)
  const stored = async (d: Digest): Promise<boolean> => driver.stat(blobDataPath(d)).then(() => true, () => false)
  /** Every byte of the blob is there and hashes to its digest. */
  const intact = async (d: Digest): Promise<boolean> => (await stored(d)) && digestOf(await driver.getContent(blobDataPath(d))) === d
  return { driver, store, clock, blobs, uploads, manifests, gc, pushBlob, manifestOf, putManifest, stored, intact }
}

describe('garbage collection', () => {
  it('deletes unreferenced blobs (and their links) once out of the grace period; keeps referenced ones; dry run deletes nothing', async () => {
    const t = setup()
    const cfg = await t.pushBlob(repo, '{}')
    const layer = await t.pushBlob(repo, 'layer-kept')
    const orphan = await t.pushBlob(repo, 'layer-orphan-123')
    const { digest: manifest } = await t.putManifest(repo, 'v1', t.manifestOf(cfg, layer))

    const early = await t.gc().run()
    assert.equal(early.deletedBlobs, 0, 'the orphan was linked within the grace period')
    assert.equal(early.keptRecent, 1)

    t.clock.advance(GRACE + 1)
    const dry = await t.gc().run({ dryRun: true })
    assert.deepEqual(dry.blobs, [{ digest: orphan, size: 16 }])
    assert.equal(dry.freedBytes, 16)
    assert.equal(await t.stored(orphan), true, 'a dry run deletes nothing')

    const report = await t.gc().run()
    assert.equal(report.deletedBlobs, 1)
    assert.equal(report.freedBytes, 16)
    assert.equal(report.removedLinks, 1)
    assert.equal(report.manifests, 1)
    assert.equal(await t.stored(orphan), false)
    assert.equal(await t.store.blobs.get(repo, orphan), undefined, 'its link is gone too: HEAD says unknown')
    for (const d of [cfg, layer, manifest]) assert.equal(await t.intact(d), true)

    // Deleting the manifest makes everything it held unreferenced.
    await t.manifests.delete(repo, { kind: 'digest', digest: manifest })
    const after = await t.gc().run()
    assert.equal(after.deletedBlobs, 3)
    for (const d of [cfg, layer, manifest]) assert.equal(await t.stored(d), false)
  })

  it('reports the bytes freed by many deletions exactly (deleted several at a time)', async () => {
    const t = setup()
    let expected = 0
    const orphans: Digest[] = []
    for (let i = 0; i < 250; i++) {
      const content = `orphan-${i}-${'x'.repeat(i)}`
      orphans.push(await t.pushBlob(i % 2 ? repo : other, content))
      expected += content.length
    }
    t.clock.advance(GRACE + 1)
    const dry = await t.gc().run({ dryRun: true })
    assert.equal(dry.freedBytes, expected)
    const report = await t.gc().run()
    assert.equal(report.deletedBlobs, 250)
    assert.equal(report.freedBytes, expected)
    for (const d of orphans) assert.equal(await t.stored(d), false)
  })

  it('keeps a blob shared with another repository while any manifest references it', async () => {
    const t = setup()
    const cfg = await t.pushBlob(repo, '{}')
    const layer = await t.pushBlob(repo, 'shared')
    await t.blobs.mount(other, layer, repo)
    await t.blobs.mount(other, cfg, repo)
    const a = await t.putManifest(repo, 'a', t.manifestOf(cfg, layer))
    await t.putManifest(other, 'b', t.manifestOf(cfg, layer, cfg))
    await t.manifests.delete(repo, { kind: 'digest', digest: a.digest })
    t.clock.advance(GRACE + 1)
    await t.gc().run()
    assert.equal(await t.intact(layer), true)
    assert.equal(await t.intact(cfg), true)
    assert.equal(await t.stored(a.digest), false, 'the deleted manifest itself is gone')
  })

  it('a HEAD during collection touches the blob back: the push that skipped the upload PUTs its manifest afterwards', async () => {
    const t = setup()
    const cfg = await t.pushBlob(repo, '{}')
    const layer = await t.pushBlob(repo, 'old-unreferenced')
    t.clock.advance(GRACE + 1)
    const report = await t.gc({
      hooks: {
        // The client: HEAD says the blobs exist, so it will not upload them.
        afterMark: async () => {
          await t.blobs.stat(repo, layer)
          await t.blobs.stat(repo, cfg)
        },
      },
    }).run()
    assert.equal(report.keptRecent, 2)
    const { digest } = await t.putManifest(repo, 'v1', t.manifestOf(cfg, layer))
    for (const d of [cfg, layer, digest]) assert.equal(await t.intact(d), true)
  })

  it('a manifest stored after marking keeps its blobs (pinned in the transaction that stores it)', async () => {
    const t = setup()
    const cfg = await t.pushBlob(repo, '{}')
    const layer = await t.pushBlob(repo, 'old-unreferenced')
    t.clock.advance(GRACE + 1)
    let pushed: Digest | undefined
    await t.gc({
      hooks: {
        // No HEAD first (a client that remembers the blobs): the manifest PUT alone must do.
        afterMark: async () => {
          pushed = (await t.putManifest(repo, 'v1', t.manifestOf(cfg, layer))).digest
        },
      },
    }).run()
    assert.ok(pushed)
    assert.equal(await t.intact(layer), true)
    assert.equal(await t.intact(cfg), true)
  })

  it('a manifest whose blob is claimed between its checks and its transaction is refused, never stored dangling', async () => {
    let beforeTx: (() => Promise<void>) | undefined
    const t = setup({}, (store) => Object.assign(Object.create(store) as MetadataStore, {
      transaction: async <T>(fn: (tx: MetadataStore) => Promise<T>): Promise<T> => {
        await beforeTx?.()
        return store.transaction(fn)
      },
    }))
    const cfg = await t.pushBlob(repo, '{}')
    const layer = await t.pushBlob(repo, 'old-unreferenced')
    t.clock.advance(GRACE + 1)
    beforeTx = async () => {
      beforeTx = undefined
      await t.gc().run()
    }
    await assert.rejects(t.putManifest(repo, 'v1', t.manifestOf(cfg, layer)), (e: unknown) => isRegistryError(e, 'MANIFEST_BLOB_UNKNOWN'))
    assert.equal(await t.store.tags.resolve(repo, 'v1' as Tag), undefined)
    assert.deepEqual(await t.store.gc.manifestDigests({ n: 10 }), [], 'no manifest references deleted bytes')
  })

  it('an upload committing a blob the collector is deleting waits, then lands its bytes after the deletion', async () => {
    const t = setup()
    const layer = await t.pushBlob(repo, 'recycled-layer')
    t.clock.advance(GRACE + 1)
    let commit: Promise<number> | undefined
    await t.gc({
      hooks: {
        afterClaim: async (d) => {
          if (d !== layer) return
          const s = await t.uploads.start(other)
          commit = t.uploads.commit(other, s.id, layer, body('recycled-layer'))
          // Give the commit every chance to move its bytes in before the collector deletes.
          await new Promise((resolve) => setTimeout(resolve, 100))
        },
      },
    }).run()
    assert.ok(commit)
    assert.equal(await commit, 14)
    assert.equal(await t.intact(layer), true, 'the re-uploaded bytes survived the deletion of the old ones')
    assert.deepEqual(await t.blobs.stat(other, layer), { size: 14 })
  })

  it('a cross-repository mount racing the collector either links bytes that stay or falls back to an upload', async () => {
    const t = setup()
    const layer = await t.pushBlob(repo, 'mounted-layer')
    t.clock.advance(GRACE + 1)
    // The collector runs at the worst moment: after the mount checked the source, before it links.
    let beforeLink: (() => Promise<void>) | undefined = async () => {
      beforeLink = undefined
      await t.gc().run()
    }
    const racing = Object.assign(Object.create(t.store) as MetadataStore, {
      blobs: { ...t.store.blobs, link: async (...a: Parameters<MetadataStore['blobs']['link']>) => {
        await beforeLink?.()
        return t.store.blobs.link(...a)
      } },
    })
    const pins = new BlobPins(t.store, t.clock, { refreshMs: GRACE / 4, waitMs: 5000, pollMs: 5 })
    const blobs = new BlobService({ driver: t.driver, store: racing, clock: t.clock, pins })
    const size = await blobs.mount(other, layer, repo)
    if (size === undefined) assert.equal(await t.store.blobs.get(other, layer), undefined)
    else assert.equal(await t.intact(layer), true, 'a mounted blob has its bytes')
  })

  it('one collector at a time; a second one gets 409', async () => {
    const t = setup()
    await t.pushBlob(repo, 'x')
    let second: unknown
    await t.gc({ hooks: { afterMark: async () => { second = await t.gc().run().catch((e: unknown) => e) } } }).run()
    assert.ok(isRegistryError(second, 'UNAVAILABLE') && second.status === 409)
    await t.gc().run()
  })

  it('finishes the deletions of a collector that died after claiming', async () => {
    const t = setup()
    const layer = await t.pushBlob(repo, 'half-deleted')
    t.clock.advance(GRACE + 1)
    assert.deepEqual(await t.store.transaction((tx) => tx.gc.claim([layer], t.clock.now(), 'dead-run', t.clock.now())), [1])
    assert.equal(await t.store.gc.pin(layer, t.clock.now()), false, 'writers wait on it')
    assert.equal(await t.gc().recoverLeftovers(), 1)
    assert.equal(await t.stored(layer), false)
    assert.equal(await t.store.gc.pin(layer, t.clock.now()), true)
  })

  it('stops before deleting anything when a stored manifest cannot be read', async () => {
    const t = setup()
    const cfg = await t.pushBlob(repo, '{}')
    const orphan = await t.pushBlob(repo, 'orphan')
    const { digest } = await t.putManifest(repo, 'v1', t.manifestOf(cfg))
    await t.driver.putContent(blobDataPath(digest), enc('not json'))
    t.clock.advance(GRACE + 1)
    await assert.rejects(t.gc().run(), /cannot be parsed/)
    assert.equal(await t.stored(orphan), true)
  })

  it('purges expired uploads', async () => {
    const t = setup()
    await t.uploads.start(repo)
    t.clock.advance(25 * GRACE)
    assert.equal((await t.gc().run()).expiredUploads, 1)
  })
})
