import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf } from '../../oci/digest.ts'
import { isRegistryError } from '../../oci/errors.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import type { MetadataStore, UploadRecord } from '../metadata/store.ts'
import { fakeClock } from '../ports.ts'
import { MemoryDriver } from '../storage/memory/memory-driver.ts'
import { uploadDataPath } from '../storage/paths.ts'
import { BlobService } from './blob-service.ts'
import { UploadService } from './upload-service.ts'

const repo = 'svc/repo' as RepositoryName

function setup() {
  const driver = new MemoryDriver()
  const store = new SqliteStore(':memory:')
  const clock = fakeClock()
  let n = 0
  const ids = { next: () => `id-${++n}` }
  const blobs = new BlobService({ driver, store, clock })
  const make = () => new UploadService({ driver, store, blobs, clock, ids, expiryMs: 1000 })
  return { driver, store, clock, blobs, uploads: make(), make }
}

async function* bytes(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p)
}

describe('UploadService', () => {
  it('appends in order, commits with digest verification and links the blob', async () => {
    const { uploads, blobs, store } = setup()
    const s = await uploads.start(repo)
    assert.equal((await uploads.append(repo, s.id, bytes('ab', 'c'))).offset, 3)
    assert.equal((await uploads.append(repo, s.id, bytes('de'), 3)).offset, 5)
    await assert.rejects(uploads.append(repo, s.id, bytes('x'), 2), (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_INVALID') && e.status === 416)
    assert.equal(await uploads.commit(repo, s.id, digestOf('abcdef'), bytes('f')), 6)
    assert.deepEqual(await blobs.stat(repo, digestOf('abcdef')), { size: 6 })
    assert.equal(await store.uploads.get(s.id), undefined)
  })

  it('re-hashes from storage when another process instance takes over the session', async () => {
    const { uploads, make } = setup()
    const s = await uploads.start(repo)
    await uploads.append(repo, s.id, bytes('first-'))
    const other = make()
    await other.append(repo, s.id, bytes('second'), 6)
    await assert.rejects(other.commit(repo, s.id, digestOf('wrong')), (e: unknown) => isRegistryError(e, 'DIGEST_INVALID'))
    const s2 = await other.start(repo)
    await other.append(repo, s2.id, bytes('first-second'))
    assert.equal(await make().commit(repo, s2.id, digestOf('first-second', 'sha512')), 12)
  })

  it('trusts the bytes on disk when they are ahead of the recorded offset (crash between write and record)', async () => {
    const { uploads, driver } = setup()
    const s = await uploads.start(repo)
    const w = await driver.writer(uploadDataPath(s.id), { append: true })
    await w.append(bytes('sneaky'))
    await w.close()
    assert.equal((await uploads.status(repo, s.id)).offset, 6, 'status reports what is on disk')
    await assert.rejects(uploads.append(repo, s.id, bytes('!'), 0), (e: unknown) => isRegistryError(e) && e.status === 416)
    assert.equal((await uploads.append(repo, s.id, bytes('!'), 6)).offset, 7)
    assert.equal(await uploads.commit(repo, s.id, digestOf('sneaky!')), 7)
  })

  it('refuses a second concurrent write to the same session', async () => {
    const { uploads } = setup()
    const s = await uploads.start(repo)
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    async function* slow(): AsyncIterable<Uint8Array> {
      yield new Uint8Array([1])
      await gate
    }
    const first = uploads.append(repo, s.id, slow())
    await new Promise((r) => setTimeout(r, 10))
    await assert.rejects(uploads.append(repo, s.id, bytes('x')), (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_INVALID'))
    release()
    assert.equal((await first).offset, 1)
  })

  it('expires sessions by the injected clock and purges them', async () => {
    const { uploads, clock } = setup()
    const a = await uploads.start(repo)
    clock.advance(500)
    const b = await uploads.start(repo)
    clock.advance(600)
    assert.equal(await uploads.purgeExpired(), 1)
    await assert.rejects(uploads.status(repo, a.id), (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_UNKNOWN'))
    assert.equal((await uploads.status(repo, b.id)).offset, 0)
    await assert.rejects(uploads.status('svc/other' as RepositoryName, b.id), (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_UNKNOWN'))
  })

  it('cuts a chunk off at the blob size limit and never commits a blob over it, even one grown under a higher limit', async () => {
    const { driver, store, clock, blobs, uploads } = setup()
    let n = 0
    const limited = new UploadService({
      driver, store, blobs, clock, ids: { next: () => `lim-${++n}` }, expiryMs: 1000,
      limits: { maxBlobBytes: 4, maxOpenUploads: { total: 0, perRepository: 0, perPrincipal: 0 }, minFreeBytes: 0 },
    })
    const s = await limited.start(repo)
    await assert.rejects(limited.append(repo, s.id, bytes('ab', 'cdef')), (e: unknown) => isRegistryError(e, 'SIZE_INVALID') && e.status === 413)
    assert.equal((await limited.status(repo, s.id)).offset, 4, 'the bytes up to the limit are kept')
    assert.equal(await limited.commit(repo, s.id, digestOf('abcd')), 4)

    const big = await uploads.start(repo)
    await uploads.append(repo, big.id, bytes('abcdefgh'))
    await assert.rejects(limited.commit(repo, big.id, digestOf('abcdefgh')), (e: unknown) => isRegistryError(e, 'SIZE_INVALID'))
    assert.equal(await blobs.stat(repo, digestOf('abcdefgh')).catch(() => undefined), undefined)
    assert.equal((await limited.status(repo, big.id)).offset, 8, 'the session is untouched')
  })

  it('keeps a session private to the principal that started it', async () => {
    const { uploads } = setup()
    const s = await uploads.start(repo, 'alice')
    await uploads.append(repo, s.id, bytes('abc'), undefined, { requester: 'alice' })
    const unknown = (e: unknown): boolean => isRegistryError(e, 'BLOB_UPLOAD_UNKNOWN')
    await assert.rejects(uploads.status(repo, s.id, 'bob'), unknown)
    await assert.rejects(uploads.append(repo, s.id, bytes('x'), undefined, { requester: 'bob' }), unknown)
    await assert.rejects(uploads.commit(repo, s.id, digestOf('abc'), undefined, { requester: 'bob' }), unknown)
    await assert.rejects(uploads.cancel(repo, s.id, 'bob'), unknown)
    assert.equal((await uploads.status(repo, s.id, 'alice')).offset, 3)
    await uploads.cancel(repo, s.id, 'alice')
    await assert.rejects(uploads.status(repo, s.id, 'alice'), unknown)
  })

  it('counts open sessions per principal against its cap', async () => {
    const { driver, store, clock, blobs } = setup()
    let n = 0
    const capped = new UploadService({
      driver, store, blobs, clock, ids: { next: () => `cap-${++n}` }, expiryMs: 1000,
      limits: { maxBlobBytes: 0, maxOpenUploads: { total: 0, perRepository: 0, perPrincipal: 2 }, minFreeBytes: 0 },
    })
    await capped.start(repo, 'alice')
    await capped.start('svc/other' as RepositoryName, 'alice')
    await assert.rejects(capped.start(repo, 'alice'), (e: unknown) => isRegistryError(e, 'TOOMANYREQUESTS') && (e.detail as { scope?: string }).scope === 'principal')
    await capped.start(repo, 'bob')
    await capped.start(repo)
  })

  it('expires a session after the idle timeout or the absolute expiry, whichever comes first', async () => {
    const { driver, store, clock, blobs } = setup()
    let n = 0
    const uploads = new UploadService({ driver, store, blobs, clock, ids: { next: () => `exp-${++n}` }, expiryMs: 10_000, idleTimeoutMs: 1000 })
    const idle = await uploads.start(repo)
    const busy = await uploads.start(repo)
    for (let i = 0; i < 9; i++) {
      clock.advance(900)
      await uploads.append(repo, busy.id, bytes('x'))
    }
    await assert.rejects(uploads.status(repo, idle.id), (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_UNKNOWN'))
    assert.equal((await uploads.status(repo, busy.id)).offset, 9)
    clock.advance(1_200)
    assert.equal(await store.uploads.get(busy.id).then((u) => u !== undefined), true)
    assert.equal(await uploads.purgeExpired(), 2, 'the idle one and the one past the absolute expiry')
    assert.equal(await store.uploads.get(busy.id), undefined)
  })

  it('refuses a chunk that is longer or shorter than declared and undoes it', async () => {
    const { uploads } = setup()
    const s = await uploads.start(repo)
    await uploads.append(repo, s.id, bytes('abc'))
    const refused = (e: unknown): boolean => isRegistryError(e, 'BLOB_UPLOAD_INVALID') && e.status === 416
    await assert.rejects(uploads.append(repo, s.id, bytes('de', 'fgh'), 3, { length: 2 }), refused)
    assert.equal((await uploads.status(repo, s.id)).offset, 3)
    await assert.rejects(uploads.append(repo, s.id, bytes('d'), 3, { length: 2 }), refused)
    assert.equal((await uploads.status(repo, s.id)).offset, 3)
    await assert.rejects(uploads.commit(repo, s.id, digestOf('abcdefgh'), bytes('defgh'), { length: 4 }), refused)
    assert.equal((await uploads.append(repo, s.id, bytes('de'), 3, { length: 2 })).offset, 5)
    assert.equal(await uploads.commit(repo, s.id, digestOf('abcdefgh'), bytes('fgh'), { length: 3 }), 8)
  })

  it('lets a cancel take over a chunk in flight: the chunk fails with BLOB_UPLOAD_UNKNOWN', async () => {
    const { uploads, driver } = setup()
    const s = await uploads.start(repo)
    let arrived = (): void => undefined
    const firstArrived = new Promise<void>((r) => {
      arrived = r
    })
    // A client that sends one chunk and then stalls.
    async function* stalled(): AsyncIterable<Uint8Array> {
      yield new TextEncoder().encode('first')
      arrived()
      await new Promise(() => undefined)
    }
    const chunk = uploads.append(repo, s.id, stalled())
    await firstArrived
    await uploads.cancel(repo, s.id)
    await assert.rejects(chunk, (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_UNKNOWN'))
    await assert.rejects(driver.stat(uploadDataPath(s.id)))
    await assert.rejects(uploads.cancel(repo, s.id), (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_UNKNOWN'))
  })

  it('purges upload directories without a session, but not a session being created', async () => {
    const { uploads, driver, clock, store, blobs } = setup()
    const orphan = await driver.writer(uploadDataPath('orphan-1'))
    await orphan.append(bytes('left behind'))
    await orphan.close()
    const live = await uploads.start(repo)
    clock.advance(500)
    await uploads.append(repo, live.id, bytes('x'))
    assert.equal(await uploads.purgeExpired(), 1)
    assert.deepEqual(await driver.list('uploads'), [live.id])

    // A start caught between creating its directory and recording its row.
    let recorded = (): void => undefined
    const gate = new Promise<void>((r) => {
      recorded = r
    })
    const slowStore: MetadataStore = Object.assign(Object.create(store) as MetadataStore, {
      uploads: { ...store.uploads, create: async (u: UploadRecord) => gate.then(() => store.uploads.create(u)) },
    })
    const slow = new UploadService({ driver, store: slowStore, blobs, clock, ids: { next: () => 'creating-1' }, expiryMs: 1000 })
    const starting = slow.start(repo)
    while (!(await driver.list('uploads')).includes('creating-1')) await new Promise((r) => setImmediate(r))
    assert.equal(await slow.purgeExpired(), 0, 'its directory has no row yet, but it is being created')
    recorded()
    assert.equal((await starting).id, 'creating-1')
    assert.deepEqual(await driver.list('uploads'), ['creating-1', live.id].sort())
  })
})
