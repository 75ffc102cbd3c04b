/**
 * Scan on push latency, run by hand: `npm exec -- node bench/scan-on-push.ts [runs=3]`.
 *
 * Measures, for node-app-on-debian, the time from the manifest PUT's response to the findings
 * API saying COMPLETE, in two ways, against running `drydock scan` on the same image from
 * scratch (empty layer cache, same advisory DB, every scanner) in the same invocation:
 *  - tee: the blobs are uploaded (POST + PUT, one request each) into the scan-on-push
 *    repository, so the layers are analysed while they upload and the scan only matches;
 *  - storage: the blobs are pushed by skopeo into a staging repository that does not scan on
 *    push and cross-mounted into the scanned one (no tee), so the scan analyses from storage.
 * Each run uses fresh server data dirs, so no layer analysis is cached between runs.
 */
import { spawnSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DB_FILE_NAME } from '../src/cli/cache-paths.ts'
import { blobPath, layoutRoot } from '../src/testkit/oci-layout-digests.ts'
import { IMAGES_DIR, NODE_BIN, REPO_ROOT } from '../src/testkit/repo-paths.ts'
import { createSkopeo } from '../src/testkit/skopeo-tool.ts'
import { findingsUrl, startScanServer } from '../test/scan-on-push/scan-on-push-fixture.ts'

const RUNS = Number(process.argv[2] ?? 3)
const IMAGE = 'node-app-on-debian'
const TAG = '1.0.0'

/** Uploads one blob with POST + PUT (the bytes in one request), as a client pushing it would. */
async function uploadBlob(base: string, repo: string, digest: string, data: Uint8Array): Promise<void> {
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' })
  const loc = start.headers.get('location')
  if (start.status !== 202 || !loc) throw new Error(`upload start answered ${start.status}`)
  const url = new URL(loc, `${base}/`)
  url.searchParams.set('digest', digest)
  const put = await fetch(url, { method: 'PUT', body: data, headers: { 'Content-Type': 'application/octet-stream' } })
  if (put.status !== 201) throw new Error(`upload of ${digest} answered ${put.status}`)
}

async function pushToComplete(mode: 'tee' | 'storage'): Promise<{ uploadS: number; completeS: number; teed: number }> {
  const server = await startScanServer({ repositories: { stage: false } })
  const skopeo = await createSkopeo()
  try {
    const base = server.drydock.url
    const layout = join(IMAGES_DIR, IMAGE)
    const root = await layoutRoot(layout, TAG)
    const bytes = await readFile(blobPath(layout, root.digest))
    const manifest = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; config: { digest: string }; layers: { digest: string }[] }
    const digests = [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]
    const u0 = performance.now()
    if (mode === 'tee') {
      for (const d of digests) await uploadBlob(base, 'bench/app', d, await readFile(blobPath(layout, d)))
    } else {
      await skopeo.copy(`oci:${layout}:${TAG}`, `docker://${server.drydock.host}/stage/app:${TAG}`)
      for (const d of digests) {
        const res = await fetch(`${base}/v2/bench/app/blobs/uploads/?mount=${d}&from=stage/app`, { method: 'POST' })
        if (res.status !== 201) throw new Error(`mount of ${d} answered ${res.status}`)
      }
    }
    const uploadS = (performance.now() - u0) / 1000
    const put = await fetch(`${base}/v2/bench/app/manifests/${TAG}`, {
      method: 'PUT', body: bytes, headers: { 'Content-Type': manifest.mediaType ?? 'application/vnd.oci.image.manifest.v1+json' },
    })
    const t0 = performance.now()
    if (put.status !== 201) throw new Error(`manifest PUT answered ${put.status}`)
    for (;;) {
      const r = await fetch(findingsUrl(base, 'bench/app', TAG))
      const body = (await r.json()) as { imageScanStatus?: { status: string; description?: string } }
      const status = body.imageScanStatus?.status
      if (status === 'COMPLETE') {
        const completeS = (performance.now() - t0) / 1000
        const lines = server.drydock.output().split('\n').filter((l) => l.includes('"msg":"layer analysed"'))
        return { uploadS, completeS, teed: lines.filter((l) => l.includes('"source":"upload"')).length }
      }
      if (status !== 'PENDING' && status !== 'IN_PROGRESS') throw new Error(`scan ended ${status}: ${body.imageScanStatus?.description}`)
      await new Promise((res) => setTimeout(res, 10))
    }
  } finally {
    await skopeo.dispose()
    await server.close()
  }
}

async function cliFromScratch(dbPath: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-bench-sop-'))
  try {
    await mkdir(join(dir, 'db'))
    await copyFile(dbPath, join(dir, 'db', DB_FILE_NAME))
    const t0 = performance.now()
    const r = spawnSync(NODE_BIN, [join(REPO_ROOT, 'src/cli/main.ts'), 'scan', `oci:${join(IMAGES_DIR, IMAGE)}:${TAG}`, '--format', 'json',
      '--db', join(dir, 'db'), '--cache-dir', join(dir, 'cache'), '--max-db-age', '36500'], { encoding: 'utf8', maxBuffer: 256 << 20 })
    const s = (performance.now() - t0) / 1000
    if (r.status !== 0) throw new Error(`drydock scan failed (${r.status}): ${r.stderr}`)
    return s
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const { buildVulndbFixture } = await import('../src/scanner/vuln/db/vulndb-fixture.ts')
const db = await buildVulndbFixture()
try {
  const rows: { run: number; teeUploadS: number; layersTeed: number; teePutToCompleteS: number; storagePutToCompleteS: number; cliScanS: number }[] = []
  const r3 = (n: number): number => Number(n.toFixed(3))
  for (let i = 0; i < RUNS; i++) {
    const tee = await pushToComplete('tee')
    const storage = await pushToComplete('storage')
    const cliScanS = await cliFromScratch(db.path)
    rows.push({ run: i + 1, teeUploadS: r3(tee.uploadS), layersTeed: tee.teed, teePutToCompleteS: r3(tee.completeS), storagePutToCompleteS: r3(storage.completeS), cliScanS: r3(cliScanS) })
  }
  console.table(rows)
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
  const t = median(rows.map((r) => r.teePutToCompleteS))
  const s = median(rows.map((r) => r.storagePutToCompleteS))
  const c = median(rows.map((r) => r.cliScanS))
  const u = median(rows.map((r) => r.teeUploadS))
  console.log(`median: manifest PUT → COMPLETE with the tee ${t.toFixed(3)} s (blob uploads ${u.toFixed(3)} s), from storage ${s.toFixed(3)} s; ` +
    `drydock scan from scratch ${c.toFixed(3)} s; tee/scratch ${(t / c).toFixed(2)}`)
} finally {
  db.close()
}
