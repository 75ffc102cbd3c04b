// Security issue #12, hole 9: a commit or a chunk racing a cancel of the same upload. Over real
// HTTP (buildApp + listen on 127.0.0.1:0, SQLite + filesystem in a temp data dir): every race
// ends cleanly (exactly one side wins, the loser gets BLOB_UPLOAD_UNKNOWN, never a 500), and no
// upload directory is left behind in the data dir. Directories without a session row (left by
// a crash or an older version) are removed by the purge once they are older than the grace.
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { DEFAULT_CONFIG } from '../../src/registry/config/config.ts'
import { startFixture, type RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'

const ROUNDS = 50

async function codeOf(res: Response): Promise<string> {
  const text = await res.text()
  if (text === '') return ''
  return ((JSON.parse(text) as { errors?: Array<{ code: string }> }).errors?.[0]?.code) ?? ''
}

async function startUpload(base: string, repo: string): Promise<string> {
  const res = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' })
  assert.equal(res.status, 202)
  return new URL(res.headers.get('location') ?? '', base).toString()
}

async function uploadDirs(fx: RegistryFixture): Promise<string[]> {
  return readdir(join(fx.dataDir, 'storage', 'uploads')).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return []
    throw err
  })
}

describe('upload state machine under racing requests (hole 9)', () => {
  let fx: RegistryFixture
  let base: string
  before(async () => {
    fx = await startFixture({ limits: { ...DEFAULT_CONFIG.limits, minFreeBytes: 0 } })
    base = await fx.app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(() => fx.close())

  it(`PUT ?digest= racing DELETE, ${ROUNDS} times: exactly one wins, never a 500, no leftover directories`, async () => {
    const outcomes: string[] = []
    for (let i = 0; i < ROUNDS; i++) {
      const data = randomBytes(64 * 1024 + i)
      const loc = await startUpload(base, 'race/commit')
      assert.equal((await fetch(loc, { method: 'PATCH', body: data.subarray(0, 32 * 1024) })).status, 202)
      // The DELETE leaves 0-4 ms after the PUT, so both orders (and the overlap) occur.
      const [put, del] = await Promise.all([
        fetch(`${loc}?digest=${digestOf(data)}`, { method: 'PUT', body: data.subarray(32 * 1024) }),
        new Promise((r) => setTimeout(r, i % 5)).then(() => fetch(loc, { method: 'DELETE' })),
      ])
      const [putCode, delCode] = await Promise.all([codeOf(put), codeOf(del)])
      outcomes.push(`${put.status}/${del.status}`)
      assert.ok(put.status < 500 && del.status < 500, `round ${i}: PUT ${put.status} ${putCode}, DELETE ${del.status} ${delCode}`)
      assert.ok(put.status === 201 || (put.status === 404 && putCode === 'BLOB_UPLOAD_UNKNOWN'), `round ${i}: PUT ${put.status} ${putCode}`)
      assert.ok(del.status === 204 || (del.status === 404 && delCode === 'BLOB_UPLOAD_UNKNOWN'), `round ${i}: DELETE ${del.status} ${delCode}`)
      assert.notEqual(put.status === 201, del.status === 204, `round ${i}: exactly one of commit and cancel wins (${put.status}/${del.status})`)
      const blob = await fetch(`${base}/v2/race/commit/blobs/${digestOf(data)}`)
      if (put.status === 201) assert.equal(digestOf(Buffer.from(await blob.arrayBuffer())), digestOf(data))
      else assert.equal(blob.status, 404, await blob.text())
    }
    assert.deepEqual(await uploadDirs(fx), [], `no upload directory left (outcomes ${outcomes.join(' ')})`)
    await fx.app.drydock.uploads.purgeExpired()
    assert.deepEqual(await uploadDirs(fx), [])
  })

  it(`PATCH racing DELETE, ${ROUNDS} times: never a 500, the session is gone, no leftover directories`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const loc = await startUpload(base, 'race/chunk')
      // Odd rounds: the DELETE arrives while the chunk is still streaming in; even rounds: both at once.
      const midway = i % 2 === 1
      let release = (): void => undefined
      const halfway = new Promise<void>((r) => {
        release = r
      })
      const data = randomBytes(256 * 1024)
      let sent = 0
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= data.length) return controller.close()
          if (midway && sent === 128 * 1024) {
            release()
            await new Promise((r) => setTimeout(r, 20))
          }
          controller.enqueue(data.subarray(sent, sent + 16 * 1024))
          sent += 16 * 1024
        },
      })
      const patching = fetch(loc, { method: 'PATCH', body, duplex: 'half' } as RequestInit).then(
        async (r) => ({ status: r.status, code: await codeOf(r) }),
        // The server may hang up on a chunk whose upload was cancelled under it.
        () => ({ status: 0, code: 'connection closed' }),
      )
      if (midway) await halfway
      const del = await fetch(loc, { method: 'DELETE' })
      const delCode = await codeOf(del)
      const patch = await patching
      assert.ok(patch.status === 202 || patch.status === 0 || (patch.status === 404 && patch.code === 'BLOB_UPLOAD_UNKNOWN'), `round ${i}: PATCH ${patch.status} ${patch.code}`)
      assert.equal(del.status, 204, `round ${i}: DELETE ${del.status} ${delCode}`)
      const status = await fetch(loc)
      assert.equal(status.status, 404, `round ${i}: the cancelled session is gone`)
      assert.equal(await codeOf(status), 'BLOB_UPLOAD_UNKNOWN')
    }
    assert.deepEqual(await uploadDirs(fx), [])
    await fx.app.drydock.uploads.purgeExpired()
    assert.deepEqual(await uploadDirs(fx), [])
  })

  it('answers two concurrent cancels of one upload with one 204 and one BLOB_UPLOAD_UNKNOWN', async () => {
    for (let i = 0; i < 10; i++) {
      const loc = await startUpload(base, 'race/cancel')
      const statuses = (await Promise.all([fetch(loc, { method: 'DELETE' }), fetch(loc, { method: 'DELETE' })])).map((r) => r.status).sort()
      assert.deepEqual(statuses, [204, 404])
    }
  })
})

describe('purge of upload directories without a session (hole 9)', () => {
  let fx: RegistryFixture
  let base: string
  before(async () => {
    fx = await startFixture({ limits: { ...DEFAULT_CONFIG.limits, minFreeBytes: 0 } })
    base = await fx.app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(() => fx.close())

  /** An upload directory as a crash or a lost race leaves it: bytes, no metadata row. */
  async function orphan(ageMs: number): Promise<string> {
    const id = randomUUID()
    const dir = join(fx.dataDir, 'storage', 'uploads', id)
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'data~partial'), randomBytes(1000))
    const at = new Date(fx.clock.now().getTime() - ageMs)
    await utimes(join(dir, 'data~partial'), at, at)
    await utimes(dir, at, at)
    return id
  }

  it('removes orphan directories older than the grace period, and keeps fresh ones and live sessions', async () => {
    const live = await startUpload(base, 'purge/live')
    assert.equal((await fetch(live, { method: 'PATCH', body: 'live bytes' })).status, 202)
    const liveId = new URL(live).pathname.split('/').pop() ?? ''
    const old = await orphan(2 * 3600_000)
    const fresh = await orphan(60_000)
    assert.deepEqual((await uploadDirs(fx)).sort(), [liveId, old, fresh].sort())
    await fx.app.drydock.uploads.purgeExpired()
    assert.deepEqual((await uploadDirs(fx)).sort(), [liveId, fresh].sort(), 'only the old orphan is removed')
    const status = await fetch(live)
    assert.equal(status.status, 204)
    assert.equal(status.headers.get('range'), '0-9', 'the live session keeps its bytes')
  })
})
