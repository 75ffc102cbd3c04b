/**
 * Scan on push latency, run by hand: `npm exec -- node bench/scan-on-push.ts [runs=3]`.
 *
 * Measures, for node-app-on-debian, the time from the manifest PUT's response to the findings
 * API saying COMPLETE, against running `drydock scan` on the same image from scratch (empty
 * layer cache, same advisory DB) in the same invocation. The layers are first pushed by skopeo
 * into a staging repository whose scan-on-push setting is off, then cross-mounted into a fresh
 * repository per run, so each run's PUT is the only thing that queues a scan and the layer
 * analysis is never cached between runs (each run uses a new server data dir).
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

async function pushToComplete(): Promise<number> {
  const server = await startScanServer({ repositories: { stage: false } })
  const skopeo = await createSkopeo()
  try {
    const base = server.drydock.url
    await skopeo.copy(`oci:${join(IMAGES_DIR, IMAGE)}:${TAG}`, `docker://${server.drydock.host}/stage/app:${TAG}`)
    const layout = join(IMAGES_DIR, IMAGE)
    const root = await layoutRoot(layout, TAG)
    const bytes = await readFile(blobPath(layout, root.digest))
    const manifest = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; config: { digest: string }; layers: { digest: string }[] }
    for (const d of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
      const res = await fetch(`${base}/v2/bench/app/blobs/uploads/?mount=${d}&from=stage/app`, { method: 'POST' })
      if (res.status !== 201) throw new Error(`mount of ${d} answered ${res.status}`)
    }
    const put = await fetch(`${base}/v2/bench/app/manifests/${TAG}`, {
      method: 'PUT', body: bytes, headers: { 'Content-Type': manifest.mediaType ?? 'application/vnd.oci.image.manifest.v1+json' },
    })
    const t0 = performance.now()
    if (put.status !== 201) throw new Error(`manifest PUT answered ${put.status}`)
    for (;;) {
      const r = await fetch(findingsUrl(base, 'bench/app', TAG))
      const body = (await r.json()) as { imageScanStatus?: { status: string; description?: string } }
      const status = body.imageScanStatus?.status
      if (status === 'COMPLETE') return (performance.now() - t0) / 1000
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
  const rows: { run: number; pushToCompleteS: number; cliScanS: number }[] = []
  for (let i = 0; i < RUNS; i++) {
    const pushToCompleteS = await pushToComplete()
    const cliScanS = await cliFromScratch(db.path)
    rows.push({ run: i + 1, pushToCompleteS: Number(pushToCompleteS.toFixed(3)), cliScanS: Number(cliScanS.toFixed(3)) })
  }
  console.table(rows)
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
  const p = median(rows.map((r) => r.pushToCompleteS))
  const c = median(rows.map((r) => r.cliScanS))
  console.log(`median: manifest PUT → COMPLETE ${p.toFixed(3)} s; drydock scan from scratch ${c.toFixed(3)} s; ratio ${(p / c).toFixed(2)}`)
} finally {
  db.close()
}
