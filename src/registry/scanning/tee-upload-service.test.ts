// The upload tee's bookkeeping with the real upload service (memory driver, SQLite store) and
// the real layer analysis: a layer uploaded in chunks is analysed and stored in the cache under
// the scan's key; a wrong digest, a cancel, a range the tee did not see and a session resumed
// in a new service instance (a restart) store nothing; uploads still work either way.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { digestOf, type Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import { MemoryLayerCache } from '../../scanner/cache/memory-layer-cache.ts'
import { IMAGES_DIR, requireTestdata } from '../../testkit/repo-paths.ts'
import { BlobService } from '../distribution/blob-service.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import { fakeClock } from '../ports.ts'
import { MemoryDriver } from '../storage/memory/memory-driver.ts'
import { registryLayerCacheKey, registryScanLimits } from './scan-analysis.ts'
import { DEFAULT_SCANNING } from './scanning-config.ts'
import { TeeUploadService } from './tee-upload-service.ts'
import { UploadAnalyses } from './upload-analyses.ts'

requireTestdata()

const repo = 'tee/app' as RepositoryName
const LIMITS = registryScanLimits(DEFAULT_SCANNING)
const BLOBS = join(IMAGES_DIR, 'node-app-on-debian', 'blobs', 'sha256')
const LAYER = 'sha256:8ab97ed83a39c4674839ab291af17c7d6254f4a1e7363cbabdbf5e7ad67de124' as Digest
const CONFIG = 'sha256:1637456c0af1fe3a463f012418d700cdeb70e46697cf90126ae4ee9b388babd2'

async function fixture() {
  const driver = new MemoryDriver()
  const store = new SqliteStore(':memory:')
  const clock = fakeClock()
  let n = 0
  const ids = { next: () => `id-${++n}` }
  const blobs = new BlobService({ driver, store, clock })
  const cache = new MemoryLayerCache()
  const logged: string[] = []
  const log = { info: (o: object, m: string) => logged.push(`${m} ${JSON.stringify(o)}`), error: (o: object, m: string) => logged.push(`ERROR ${m}`) }
  const make = () => {
    const analyses = new UploadAnalyses({ cache, limits: LIMITS, log, wanted: (r) => r === repo })
    return { analyses, uploads: new TeeUploadService({ driver, store, blobs, clock, ids, expiryMs: 60_000 }, analyses) }
  }
  const data = await readFile(join(BLOBS, LAYER.slice(7)))
  const config = JSON.parse(await readFile(join(BLOBS, CONFIG.slice(7)), 'utf8')) as { rootfs: { diff_ids: Digest[] } }
  // Under the blob's digest; the entry carries the diff_id computed from the bytes.
  const key = registryLayerCacheKey(LAYER, LIMITS)
  return { ...make(), make, cache, logged, data, key, blobs, diffId: config.rootfs.diff_ids[1] as Digest }
}

async function* chunks(data: Uint8Array, size = 32 * 1024): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size)
}

describe('TeeUploadService', () => {
  it('a layer uploaded in chunks is analysed into the cache under the scan key', async () => {
    const { uploads, analyses, cache, data, key, blobs, diffId } = await fixture()
    const s = await uploads.start(repo)
    const half = Math.floor(data.length / 2)
    await uploads.append(repo, s.id, chunks(data.subarray(0, half)), 0)
    await uploads.commit(repo, s.id, LAYER, chunks(data.subarray(half)))
    await analyses.settled([LAYER])
    assert.deepEqual(await blobs.stat(repo, LAYER), { size: data.length })
    const cached = await cache.get(key)
    assert.ok(cached, 'the analysis is in the cache')
    assert.equal(cached.diffId, diffId, 'the diff_id hashed from the upload')
    assert.ok(JSON.stringify(cached).includes('minimist'))
  })

  it('a wrong digest, a cancel and a repository that does not scan store nothing', async () => {
    const { uploads, analyses, cache, data, key } = await fixture()
    const a = await uploads.start(repo)
    await assert.rejects(uploads.commit(repo, a.id, digestOf('other'), chunks(data)))
    const b = await uploads.start(repo)
    await uploads.append(repo, b.id, chunks(data))
    await uploads.cancel(repo, b.id)
    const other = 'noscan/app' as RepositoryName
    const c = await uploads.start(other)
    await uploads.commit(other, c.id, LAYER, chunks(data))
    await analyses.settled([LAYER])
    assert.equal(await cache.get(key), undefined)
  })

  it('a session resumed by another instance (a restart) is not teed, and still commits', async () => {
    const { uploads, make, cache, data, key, logged } = await fixture()
    const s = await uploads.start(repo)
    const half = Math.floor(data.length / 2)
    await uploads.append(repo, s.id, chunks(data.subarray(0, half)))
    const restarted = make()
    await restarted.uploads.append(repo, s.id, chunks(data.subarray(half)), half)
    assert.equal(await restarted.uploads.commit(repo, s.id, LAYER), data.length)
    await restarted.analyses.settled([LAYER])
    assert.equal(await cache.get(key), undefined)
    assert.ok(!logged.some((l) => l.startsWith('layer analysed')), logged.join('\n'))
  })

  it('a config blob is not analysed and not logged', async () => {
    const { uploads, analyses, logged } = await fixture()
    const bytes = await readFile(join(BLOBS, CONFIG.slice(7)))
    const s = await uploads.start(repo)
    await uploads.commit(repo, s.id, CONFIG as Digest, chunks(bytes))
    await analyses.settled([CONFIG])
    assert.deepEqual(logged, [])
  })
})
