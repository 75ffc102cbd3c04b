// The upload tee against real layers of the shared images: fed chunk by chunk as an upload
// would, it must produce exactly the analysis (and diff_id) that the from-storage path produces
// with the config's diff_id, and must store nothing for non-layers, corrupt or aborted uploads.
import assert from 'node:assert/strict'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { test } from 'node:test'
import type { Digest } from '../../oci/digest.ts'
import { IMAGES_DIR, requireTestdata } from '../../testkit/repo-paths.ts'
import { LayerTee, looksLikeLayer } from './layer-tee.ts'
import { analyzeRawLayer, registryScanLimits } from './scan-analysis.ts'
import { DEFAULT_SCANNING } from './scanning-config.ts'

requireTestdata()

const BLOBS = join(IMAGES_DIR, 'node-app-on-debian', 'blobs', 'sha256')
const APP_LAYER = 'sha256:8ab97ed83a39c4674839ab291af17c7d6254f4a1e7363cbabdbf5e7ad67de124'
const CONFIG = 'sha256:1637456c0af1fe3a463f012418d700cdeb70e46697cf90126ae4ee9b388babd2'

const LIMITS = registryScanLimits(DEFAULT_SCANNING)
const blobPath = (d: string): string => join(BLOBS, d.slice('sha256:'.length))
const tee = (maxBufferedBytes = 8 * 1024 * 1024, maxStallMs = 2_000): LayerTee => new LayerTee({ maxBufferedBytes, maxStallMs, analyze: (raw, onTar, diffId, signal) => analyzeRawLayer(raw, onTar, diffId, signal, LIMITS) })

async function feedFile(t: LayerTee, file: string, chunkSize = 16 * 1024): Promise<void> {
  for await (const chunk of createReadStream(file, { highWaterMark: chunkSize })) {
    const wait = t.write(chunk as Buffer)
    if (wait) await wait
  }
}

test('a gzip layer fed in chunks: the same analysis and diff_id as the from-storage walk', async () => {
  const config = JSON.parse(await readFile(blobPath(CONFIG), 'utf8')) as { rootfs: { diff_ids: string[] } }
  const diffId = config.rootfs.diff_ids[1] as Digest
  const t = tee()
  await feedFile(t, blobPath(APP_LAYER))
  const outcome = await t.end()
  assert.equal(outcome.kind, 'analysed', JSON.stringify(outcome))
  if (outcome.kind !== 'analysed') return
  assert.equal(outcome.diffId, diffId)
  const expected = await analyzeRawLayer(createReadStream(blobPath(APP_LAYER)), (tar) => tar, diffId, new AbortController().signal, LIMITS)
  assert.deepEqual(outcome.analysis, expected)
  assert.ok(JSON.stringify(expected).includes('lodash'), 'the app layer holds lodash')
})

test('a config blob is not a layer: dropped at once, nothing analysed', async () => {
  const t = tee()
  t.write(await readFile(blobPath(CONFIG)))
  assert.equal(t.active, false)
  const outcome = await t.end()
  assert.equal(outcome.kind, 'skipped')
  assert.equal(looksLikeLayer(Buffer.from('{"a":1}')), undefined, 'too short to tell')
  assert.equal(looksLikeLayer(Buffer.from([0x1f, 0x8b])), true)
})

test('a corrupt gzip layer: skipped with the reason, the caller learns it from end()', async () => {
  const t = tee()
  const good = gzipSync(Buffer.alloc(64 * 1024, 7))
  const broken = Buffer.concat([good.subarray(0, 20), Buffer.alloc(4096, 0xff)])
  t.write(broken)
  const outcome = await t.end()
  assert.equal(outcome.kind, 'skipped')
  if (outcome.kind === 'skipped') assert.match(outcome.reason, /analysis failed/)
})

test('an aborted upload discards its partial analysis', async () => {
  const t = tee()
  const data = await readFile(blobPath(APP_LAYER))
  t.write(data.subarray(0, 100_000))
  t.abort('upload failed')
  assert.equal(t.active, false)
  const outcome = await t.end()
  assert.deepEqual(outcome, { kind: 'skipped', reason: 'upload failed' })
})

test('an analysis that falls behind beyond the buffer and the stall budget is abandoned', async () => {
  // A 1-byte buffer and no stall budget: the first chunk past the sniff overflows it.
  const t = tee(1, 0)
  const data = await readFile(blobPath(APP_LAYER))
  t.write(data.subarray(0, 1024))
  const wait = t.write(data.subarray(1024, 200_000))
  if (wait) await wait
  assert.equal(t.active, false)
  const outcome = await t.end()
  assert.equal(outcome.kind, 'skipped')
  if (outcome.kind === 'skipped') assert.match(outcome.reason, /fell behind/)
})
