// Deleting an image frees its disk space after garbage collection (issue #14): two images share a
// layer; one is deleted; `drydock gc --dry-run` lists exactly its own blobs and their bytes and
// frees nothing; `drydock gc` frees them: the data directory shrinks (du) by those bytes and the
// other image still pulls completely. An abandoned upload session's bytes go too once expired.
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { layoutRoot, reachableDigests } from '../../src/testkit/oci-layout-digests.ts'
import { runDrydock } from '../../src/testkit/run-drydock.ts'
import { mustRun } from '../../src/testkit/run-tool.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { storedDigests, writeImage, type BuiltImage } from './small-images.ts'

const ADMIN = { user: 'gcadmin', password: 'gc-admin-password-long-enough' }
const CREDS = `${ADMIN.user}:${ADMIN.password}`

/** `du -sb DIR`: apparent bytes of everything under DIR. */
async function du(dir: string): Promise<number> {
  return Number((await mustRun('du', ['-sb', dir])).stdout.split('\t')[0])
}

/** Bytes of the regular files under `dir` (exact, unlike du which also counts directories). */
async function fileBytes(dir: string): Promise<number> {
  let total = 0
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size
  }
  return total
}

/** Bytes of metadata.db and its -wal/-shm files. */
async function metadataBytes(dataDir: string): Promise<number> {
  let total = 0
  for (const name of await readdir(dataDir)) if (name.startsWith('metadata.db')) total += (await stat(join(dataDir, name))).size
  return total
}

describe('disk space after deleting an image and collecting garbage', { timeout: 180_000 }, () => {
  let server: RunningDrydock
  let skopeo: Skopeo
  let work: string
  let gone: BuiltImage
  let kept: BuiltImage

  before(async () => {
    skopeo = await createSkopeo()
    work = await mkdtemp(join(tmpdir(), 'drydock-gc-du-'))
    server = await startDrydock({
      // Upload sessions idle for 3 s expire; the purge job alone would take 10 minutes.
      args: ['--auth', 'on', '--gc-interval', '0s', '--gc-grace-period', '0s', '--upload-idle-timeout', '3s'],
      env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password },
    })
    gone = await writeImage(join(work, 'gone'), 'v1', [['shared-base', 256 * 1024], ['gone-only', 2 * 1024 * 1024]])
    kept = await writeImage(join(work, 'kept'), 'v1', [['shared-base', 256 * 1024], ['kept-only', 16 * 1024]])
    for (const [repo, image] of [['du/gone', gone], ['du/kept', kept]] as const) {
      await skopeo.copy(`oci:${image.dir}:v1`, `docker://${server.host}/${repo}:v1`, { creds: CREDS })
    }
  })
  afterEach((t) => logsOnFailure(t, { registry: server?.output }))
  after(async () => {
    await server?.stop()
    await skopeo?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  const gc = (...args: string[]) => runDrydock(['gc', ...args], {
    env: { DRYDOCK_REGISTRY: server.url, DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_PASSWORD: ADMIN.password, DRYDOCK_TOKEN: undefined },
  })

  test('dry run lists the deleted image\'s own blobs; gc frees exactly their bytes; the other image is intact', async () => {
    await skopeo.run(['delete', '--tls-verify=false', '--creds', CREDS, `docker://${server.host}/du/gone@${gone.manifest.digest}`])
    const own = gone.blobs.filter((b) => !kept.blobs.some((k) => k.digest === b.digest))
    assert.equal(own.length, 3, 'manifest, config and the unshared layer')
    const expected = own.reduce((n, b) => n + b.size, 0)
    const storage = join(server.dataDir, 'storage')
    const duBefore = await du(server.dataDir)
    const duStorageBefore = await du(storage)
    const metadataBefore = await metadataBytes(server.dataDir)
    const filesBefore = await fileBytes(storage)

    const dry = await gc('--dry-run', '--format', 'json')
    assert.equal(dry.code, 0, dry.stderr)
    const plan = JSON.parse(dry.stdout) as { dryRun: boolean; deletedBlobs: number; freedBytes: number; blobs: Array<{ digest: string; size: number }> }
    assert.equal(plan.dryRun, true)
    assert.deepEqual(plan.blobs.map((b) => b.digest).sort(), own.map((b) => b.digest).sort())
    assert.equal(plan.freedBytes, expected)
    assert.equal(await fileBytes(storage), filesBefore, 'a dry run deletes nothing')

    const real = await gc()
    assert.equal(real.code, 0, real.stderr)
    assert.match(real.stdout, new RegExp(`deleted 3 blobs, freed .*\\(${expected} bytes\\)`))
    assert.equal(filesBefore - (await fileBytes(storage)), expected, 'the blob files of the deleted image are gone, nothing else')
    // du also counts directories: each deleted blob's own directory goes too (at most a block each).
    const storageShrunk = duStorageBefore - (await du(storage))
    assert.ok(storageShrunk >= expected && storageShrunk <= expected + own.length * 4096, `du of storage/ shrank by ${storageShrunk} bytes, expected ${expected} (+ directories)`)
    // The whole data directory: the same, less what the metadata database grew by (its WAL takes
    // the collection's and the audit log's writes until the next checkpoint).
    const metadataGrowth = (await metadataBytes(server.dataDir)) - metadataBefore
    const shrunk = duBefore - (await du(server.dataDir))
    assert.ok(shrunk + metadataGrowth >= expected, `du of the data directory shrank by ${shrunk} bytes (metadata grew by ${metadataGrowth}), expected ${expected}`)
    const stored = await storedDigests(server.dataDir)
    for (const b of own) assert.equal(stored.has(b.digest), false, `${b.digest} still stored`)
    for (const b of kept.blobs) assert.equal(stored.has(b.digest), true, `${b.digest} of the kept image was deleted`)

    const again = await gc('--dry-run', '--format', 'json')
    assert.equal((JSON.parse(again.stdout) as { deletedBlobs: number }).deletedBlobs, 0)

    const out = join(work, 'pulled')
    await skopeo.copy(`docker://${server.host}/du/kept:v1`, `oci:${out}:v1`, { creds: CREDS })
    const root = await layoutRoot(out, 'v1')
    assert.equal(root.digest, kept.manifest.digest)
    assert.deepEqual([...(await reachableDigests(out, root))].sort(), kept.blobs.map((b) => b.digest).sort())
  })

  test('an expired upload session is deleted by gc, and du shrinks by its bytes', async () => {
    const token = await fetch(`${server.url}/token?service=drydock&scope=repository:du/abandoned:pull,push`, {
      headers: { authorization: `Basic ${Buffer.from(CREDS).toString('base64')}` },
    }).then(async (r) => ((await r.json()) as { token: string }).token)
    const headers = { authorization: `Bearer ${token}` }
    const started = await fetch(`${server.url}/v2/du/abandoned/blobs/uploads/`, { method: 'POST', headers })
    assert.equal(started.status, 202)
    const location = new URL(started.headers.get('location') ?? '', server.url).toString()
    const chunk = Buffer.alloc(1024 * 1024, 7)
    const patched = await fetch(location, { method: 'PATCH', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: chunk })
    assert.equal(patched.status, 202)
    const uploads = join(server.dataDir, 'storage', 'uploads')
    const before = await fileBytes(uploads)
    assert.ok(before >= chunk.length, 'the chunk is on disk')
    const duBefore = await du(server.dataDir)

    // Abandoned: no bytes for longer than the idle timeout.
    await new Promise((resolve) => setTimeout(resolve, 3500))
    const r = await gc('--format', 'json')
    assert.equal(r.code, 0, r.stderr)
    assert.equal((JSON.parse(r.stdout) as { expiredUploads: number }).expiredUploads, 1)
    assert.equal(await fileBytes(uploads), before - chunk.length)
    const shrunk = duBefore - (await du(server.dataDir))
    assert.ok(shrunk >= chunk.length - 64 * 1024, `du shrank by ${shrunk} bytes, expected about ${chunk.length}`)
    const gone = await fetch(location, { headers })
    assert.equal(gone.status, 404)
    await gone.body?.cancel()
  })
})
