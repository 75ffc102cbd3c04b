// Crash test: kill -9 the registry while several pushes are in flight (skopeo copies of large
// images plus hand-rolled chunked uploads, one of them stalled mid-chunk), restart it on the
// same data dir and port, then show that
// - nothing corrupt is ever served (a reader checks everything served during the pushes and the
//   crash; after the restart every manifest and blob is checked again),
// - what was finished before the crash is intact,
// - every interrupted upload either resumes from the offset the server reports and completes
//   with the right digest, or fails cleanly with BLOB_UPLOAD_UNKNOWN,
// - rerunning the interrupted skopeo copies succeeds and yields the original digests.
// Three rounds on the same data dir kill at different moments (see KILL_MOMENTS).
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { blobPath, layoutRoot, reachableDigests } from '../../src/testkit/oci-layout-digests.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { startCrashableRegistry, type CrashableRegistry } from './crashable-registry.ts'
import { finishUpload, patchChunk, send, stalledPatch, startUpload, uploadStatus } from './upload-client.ts'
import { checkBlob, checkManifest, watchServed } from './verify-served.ts'

requireTestdata()

const MiB = 1024 * 1024
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** A hand-rolled upload: its full content and the latest session URL. */
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

/** HEAD answers 200 (fetch errors count as "not yet"). */
async function exists(url: string): Promise<boolean> {
  const accept = 'application/vnd.oci.image.manifest.v1+json'
  return (await fetch(url, { method: 'HEAD', headers: { accept } }).catch(() => undefined))?.status === 200
}

/** The debian layer (28 MB), shared by three of the images in flight. */
const BIG_LAYER = await (async () => {
  const layout = join(IMAGES_DIR, 'debian-bookworm-slim')
  const root = await layoutRoot(layout, 'bookworm-slim')
  const manifest = JSON.parse(await readFile(blobPath(layout, root.digest), 'utf8')) as { layers: { digest: string }[] }
  const digest = manifest.layers[0]?.digest
  if (digest === undefined) throw new Error('debian-bookworm-slim has no layer')
  return digest
})()

/**
 * When to pull the plug, judged by progress rather than by the clock (a fast registry finishes
 * everything within half a second): early (as soon as the stalled chunk has had 200 ms to
 * arrive); when the first big layer is committed (other uploads still streaming); when the
 * first manifest is in (the small image done, the big ones maybe not).
 */
const KILL_MOMENTS: readonly { label: string; reached(url: string, repoOf: (n: string) => string): Promise<boolean> }[] = [
  { label: 'early', reached: async () => true },
  { label: 'when the first large layer is committed', reached: (url, repoOf) => exists(`${url}/v2/${repoOf('debian-bookworm-slim')}/blobs/${BIG_LAYER}`) },
  { label: 'when the first manifest is in', reached: (url, repoOf) => exists(`${url}/v2/${repoOf('alpine-3.20')}/manifests/3.20.3`) },
]

/** Polls `cond` every 10 ms; gives up after 60 s (the kill then happens anyway). */
async function waitFor(cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000
  while (!(await cond()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
}

describe('kill -9 during concurrent pushes', { timeout: 900_000 }, () => {
  let registry: CrashableRegistry
  let skopeo: Skopeo
  const finishedBlob = randomBytes(MiB + 17)

  before(async () => {
    skopeo = await createSkopeo()
    registry = await startCrashableRegistry()
    // Finished before any crash: one image and one hand-rolled blob.
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'busybox')}:1`, `docker://${registry.host}/crash/finished:1`)
    const s = await patchChunk(registry.url, await startUpload(registry.url, 'crash/hand'), finishedBlob, 0)
    const done = await finishUpload(s, sha256(finishedBlob))
    assert.equal(done.status, 201, `single-chunk upload before the crash failed: ${done.body}`)
  })
  afterEach((t) => logsOnFailure(t, { registry: registry?.output }))
  after(async () => {
    await registry?.stop()
    await skopeo?.dispose()
  })

  for (const [round, moment] of KILL_MOMENTS.entries()) {
    test(`round ${round + 1}: kill -9 ${moment.label}`, { timeout: 300_000 }, async (t) => {
      const url = registry.url
      const repoOf = (name: string): string => `crash/r${round + 1}/${name}`
      const layers: { repo: string; digest: string }[] = []
      for (const [name, tag] of IN_FLIGHT) {
        const layout = join(IMAGES_DIR, name)
        for (const digest of await reachableDigests(layout, await layoutRoot(layout, tag))) layers.push({ repo: repoOf(name), digest })
      }
      const watcher = watchServed(url, IN_FLIGHT.map(([name, ref]) => ({ repo: repoOf(name), ref })), layers)

      const copies = IN_FLIGHT.map(([name, tag]) =>
        skopeo.tryCopy(`oci:${join(IMAGES_DIR, name)}:${tag}`, `docker://${registry.host}/${repoOf(name)}:${tag}`),
      )
      // Two committed chunks plus one stalled a third of the way in; three committed chunks;
      // a session that never received a byte.
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
      // Give the server time to receive (and maybe write) the partial chunk before the kill.
      await new Promise((r) => setTimeout(r, 200))
      await waitFor(() => moment.reached(url, repoOf))
      await registry.kill()
      await stalled.settled
      const results = await Promise.all(copies)
      const interrupted = IN_FLIGHT.filter((_, i) => results[i]?.code !== 0).map(([n]) => n)
      t.diagnostic(`skopeo copies interrupted: ${interrupted.join(', ') || 'none'}`)

      await registry.restart()
      const corrupt = await watcher.stop()
      assert.deepEqual(corrupt, [], 'corrupt data was served during the pushes or the crash')

      // After the restart: every tag is absent or complete and correct; every layer any image
      // could have uploaded is absent or intact; finished data survived.
      for (const [name, tag] of IN_FLIGHT) await checkManifest(url, repoOf(name), tag)
      for (const l of layers) await checkBlob(url, l.repo, l.digest)
      for (const u of uploads) await checkBlob(url, 'crash/hand', sha256(u.data))
      assert.ok(await checkManifest(url, 'crash/finished', '1'), 'image pushed before the crash is gone')
      assert.ok((await checkBlob(url, 'crash/hand', sha256(finishedBlob))).served, 'blob finished before the crash is gone')

      for (const u of uploads) t.diagnostic(`upload '${u.label}': ${await resumeUpload(registry, u)}`)

      // Rerunning every copy succeeds, with the original digests.
      for (const [name, tag] of IN_FLIGHT) {
        const layout = join(IMAGES_DIR, name)
        await skopeo.copy(`oci:${layout}:${tag}`, `docker://${registry.host}/${repoOf(name)}:${tag}`)
        assert.ok(await checkManifest(url, repoOf(name), tag))
        const head = await fetch(`${url}/v2/${repoOf(name)}/manifests/${tag}`, {
          method: 'HEAD',
          headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
        })
        assert.equal(head.headers.get('docker-content-digest'), (await layoutRoot(layout, tag)).digest)
      }
    })
  }
})

/** Resumes one interrupted upload to completion, or accepts BLOB_UPLOAD_UNKNOWN. */
async function resumeUpload(registry: CrashableRegistry, u: HandUpload): Promise<string> {
  const url = registry.url
  // distribution (reference only) answers a session it cannot resume with 404
  // BLOB_UPLOAD_INVALID instead of BLOB_UPLOAD_UNKNOWN; Drydock must use the spec's code.
  const clean = registry.name === 'reference' ? ['BLOB_UPLOAD_UNKNOWN', 'BLOB_UPLOAD_INVALID'] : ['BLOB_UPLOAD_UNKNOWN']
  const status = await uploadStatus(url, u.session, clean)
  if (status.kind === 'unknown') {
    // A clean failure must stay clean: the session cannot be written to either.
    const patch = await send(u.session, 'PATCH', { 'content-type': 'application/octet-stream', 'content-length': '1' }, Buffer.from('x'))
    assert.equal(patch.status, 404, `PATCH on an unknown upload answered ${patch.status}`)
    return `failed cleanly with ${status.code}`
  }
  let offset = status.offset
  assert.ok(offset <= u.data.length, `server reports ${offset} bytes, only ${u.data.length} exist`)
  let session = status.session
  while (offset < u.data.length) {
    const chunk = u.data.subarray(offset, Math.min(offset + MiB, u.data.length))
    try {
      session = await patchChunk(url, session, chunk, offset)
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      throw new Error(`upload '${u.label}': after the restart the server reported offset ${status.offset}, resuming there failed: ${why}`)
    }
    offset += chunk.length
  }
  const digest = sha256(u.data)
  const done = await finishUpload(session, digest)
  assert.equal(done.status, 201, `PUT after resume answered ${done.status}: ${done.body}`)
  assert.equal(done.headers['docker-content-digest'], digest)
  assert.ok((await checkBlob(url, 'crash/hand', digest, u.data.length)).served)
  return `resumed at byte ${status.offset} and completed`
}
