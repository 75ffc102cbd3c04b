// Crash test: kill -9 the registry while several pushes are in flight (skopeo copies of large
// images plus hand-rolled chunked uploads, one of them stalled mid-chunk), restart it on the
// same data dir and port, then show that
// - nothing corrupt is served (every served manifest and blob hashes to its digest),
// - what was finished before the crash is intact,
// - every interrupted upload either resumes from the offset the server reports and completes
//   with the right digest, or fails cleanly with BLOB_UPLOAD_UNKNOWN,
// - rerunning the interrupted skopeo copies succeeds and yields the original digests.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { layoutRoot, reachableDigests } from '../../src/testkit/oci-layout-digests.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import type { ToolResult } from '../../src/testkit/run-tool.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startCrashableRegistry, type CrashableRegistry } from './crashable-registry.ts'
import { finishUpload, patchChunk, send, stalledPatch, startUpload, uploadStatus } from './upload-client.ts'
import { checkBlob, checkManifest } from './verify-served.ts'

requireTestdata()

const MiB = 1024 * 1024
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** A hand-rolled upload: its full content, the session URL and how far we got before the kill. */
interface HandUpload {
  readonly label: string
  readonly data: Buffer
  session: string
}

const IN_FLIGHT = [
  ['debian-bookworm-slim', 'bookworm-slim'],
  ['python-app', '1.0.0'],
  ['node-app-on-debian', '1.0.0'],
  ['alpine-3.20', '3.20.3'],
] as const

describe('kill -9 during concurrent pushes', { timeout: 900_000 }, () => {
  let registry: CrashableRegistry
  let skopeo: Skopeo

  before(async () => {
    skopeo = await createSkopeo()
    registry = await startCrashableRegistry()
  })
  after(async () => {
    await registry?.stop()
    await skopeo?.dispose()
  })

  test('no corruption, finished data intact, uploads resume or fail cleanly', { timeout: 600_000 }, async (t) => {
    const url = registry.url
    // Finished before the crash: one image and one hand-rolled blob.
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'busybox')}:1`, `docker://${registry.host}/crash/finished:1`)
    const finishedBlob = randomBytes(MiB + 17)
    const s0 = await startUpload(url, 'crash/hand')
    const s0b = await patchChunk(url, s0, finishedBlob, 0)
    assert.equal((await finishUpload(s0b, sha256(finishedBlob))).status, 201)

    // In flight at the crash: skopeo copies of large images ...
    const copies = IN_FLIGHT.map(([name, tag]) =>
      skopeo.tryCopy(`oci:${join(IMAGES_DIR, name)}:${tag}`, `docker://${registry.host}/crash/${name}:${tag}`),
    )
    const copiesStarted = Date.now()
    // ... and hand-rolled uploads: two committed chunks plus one stalled half-way; three
    // committed chunks; a session with no bytes at all.
    const uploads: HandUpload[] = [
      { label: 'two chunks + stalled chunk', data: randomBytes(5 * MiB + 3), session: '' },
      { label: 'three chunks', data: randomBytes(4 * MiB + 1), session: '' },
      { label: 'empty session', data: randomBytes(2 * MiB), session: '' },
    ]
    for (const u of uploads) u.session = await startUpload(url, 'crash/hand')
    const [a, b] = uploads as [HandUpload, HandUpload, HandUpload]
    for (let i = 0; i < 2; i++) a.session = await patchChunk(url, a.session, a.data.subarray(i * MiB, (i + 1) * MiB), i * MiB)
    for (let i = 0; i < 3; i++) b.session = await patchChunk(url, b.session, b.data.subarray(i * MiB, (i + 1) * MiB), i * MiB)
    const stalled = stalledPatch(a.session, a.data.subarray(2 * MiB, 3 * MiB), 2 * MiB, MiB / 3)
    await stalled.written
    // Let the copies get going, but kill before the big ones can finish.
    await new Promise((r) => setTimeout(r, Math.max(0, 400 - (Date.now() - copiesStarted))))
    await registry.kill()
    await stalled.settled
    const results: ToolResult[] = await Promise.all(copies)
    const interrupted = IN_FLIGHT.filter((_, i) => results[i]?.code !== 0)
    t.diagnostic(`skopeo copies interrupted by the kill: ${interrupted.map(([n]) => n).join(', ') || 'none'}`)

    await registry.restart()

    // 1. Nothing corrupt is served: every tag either 404s or is complete and correct, and every
    //    layer any of the images could have uploaded is either absent or intact.
    for (const [name, tag] of IN_FLIGHT) {
      const repo = `crash/${name}`
      await checkManifest(url, repo, tag)
      const layout = join(IMAGES_DIR, name)
      for (const digest of await reachableDigests(layout, await layoutRoot(layout, tag))) {
        await checkBlob(url, repo, digest)
      }
    }
    for (const u of uploads) await checkBlob(url, 'crash/hand', sha256(u.data))

    // 2. Finished before the crash: intact.
    assert.ok(await checkManifest(url, 'crash/finished', '1'), 'image pushed before the crash is gone')
    assert.ok((await checkBlob(url, 'crash/hand', sha256(finishedBlob))).served, 'blob finished before the crash is gone')

    // 3. Interrupted uploads resume from the reported offset, or fail cleanly.
    for (const u of uploads) {
      const outcome = await resumeUpload(url, u)
      t.diagnostic(`upload '${u.label}': ${outcome}`)
    }

    // 4. Rerunning the skopeo copies succeeds, with the original digests.
    for (const [name, tag] of IN_FLIGHT) {
      const layout = join(IMAGES_DIR, name)
      await skopeo.copy(`oci:${layout}:${tag}`, `docker://${registry.host}/crash/${name}:${tag}`)
      assert.ok(await checkManifest(url, `crash/${name}`, tag))
      const head = await fetch(`${url}/v2/crash/${name}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
      assert.equal(head.headers.get('docker-content-digest'), (await layoutRoot(layout, tag)).digest)
    }
  })
})

/** Resumes one interrupted upload to completion, or accepts BLOB_UPLOAD_UNKNOWN. */
async function resumeUpload(url: string, u: HandUpload): Promise<string> {
  const status = await uploadStatus(url, u.session)
  if (status.kind === 'unknown') {
    // A clean failure must stay clean: the session cannot be written to either.
    const patch = await send(u.session, 'PATCH', { 'content-type': 'application/octet-stream', 'content-length': '1' }, Buffer.from('x'))
    assert.equal(patch.status, 404, `PATCH on an unknown upload answered ${patch.status}`)
    return 'failed cleanly with BLOB_UPLOAD_UNKNOWN'
  }
  let offset = status.offset
  assert.ok(offset <= u.data.length, `server reports ${offset} bytes, only ${u.data.length} exist`)
  let session = status.session
  while (offset < u.data.length) {
    const chunk = u.data.subarray(offset, Math.min(offset + MiB, u.data.length))
    session = await patchChunk(url, session, chunk, offset)
    offset += chunk.length
  }
  const digest = sha256(u.data)
  const done = await finishUpload(session, digest)
  assert.equal(done.status, 201, `PUT after resume answered ${done.status}: ${done.body}`)
  assert.equal(done.headers['docker-content-digest'], digest)
  assert.ok((await checkBlob(url, 'crash/hand', digest, u.data.length)).served)
  return `resumed at byte ${status.offset} and completed`
}
