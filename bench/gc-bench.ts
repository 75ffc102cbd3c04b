/**
 * Garbage collection time and memory on a registry of 10,000 manifests / 50,000 blobs.
 *
 *   npm exec -- node bench/gc-bench.ts [manifests=10000]
 *
 * Seeds a data directory directly (SQLite rows through the store, blob files written as the
 * filesystem driver lays them out, without its fsyncs: seeding is not what is measured): 100
 * repositories; each manifest is its own blob and references one config and three layers of its
 * own, so 5 blobs per manifest. 20% of the manifests are then deleted, which makes 20% of the
 * blobs garbage. A child process (so seeding does not count towards memory) runs a dry run and
 * then a real run with the grace period over, and prints duration and peak RSS of each (and the
 * process's RSS before the run: Node, the loaded modules and an open store).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Digest } from '../src/oci/digest.ts'
import type { RepositoryName } from '../src/oci/reference.ts'
import { GcService } from '../src/registry/gc/gc-service.ts'
import { SqliteStore } from '../src/registry/metadata/sqlite/sqlite-store.ts'
import { FilesystemDriver } from '../src/registry/storage/filesystem/filesystem-driver.ts'
import { blobDataPath } from '../src/registry/storage/paths.ts'

const DAY = 24 * 60 * 60 * 1000
const sha = (b: Buffer): Digest => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest

async function seed(dir: string, manifests: number): Promise<{ blobs: number; garbage: number }> {
  const store = new SqliteStore(join(dir, 'metadata.db'))
  const storage = join(dir, 'storage')
  const at = new Date(Date.now() - 2 * DAY)
  const put = async (bytes: Buffer): Promise<Digest> => {
    const digest = sha(bytes)
    const path = join(storage, blobDataPath(digest))
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, bytes)
    return digest
  }
  let blobs = 0
  const doomed: Array<[RepositoryName, Digest]> = []
  for (let start = 0; start < manifests; start += 500) {
    const batch: Array<{ repo: RepositoryName; digest: Digest; size: number; linked: Array<[Digest, number]> }> = []
    for (let i = start; i < Math.min(manifests, start + 500); i++) {
      const repo = `bench/repo-${i % 100}` as RepositoryName
      const layers: Array<[Digest, number]> = []
      for (let l = 0; l < 3; l++) {
        const b = Buffer.from(`layer ${i}/${l} ${'x'.repeat(200)}`)
        layers.push([await put(b), b.length])
      }
      const cfgBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, n: i }))
      const cfg = await put(cfgBytes)
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfg, size: cfgBytes.length },
        layers: layers.map(([d, size]) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d, size })),
      }))
      const digest = await put(manifest)
      batch.push({ repo, digest, size: manifest.length, linked: [...layers, [cfg, cfgBytes.length], [digest, manifest.length]] })
      blobs += 5
      if (i % 5 === 0) doomed.push([repo, digest])
    }
    await store.transaction(async (tx) => {
      for (const m of batch) {
        for (const [d, size] of m.linked) await tx.blobs.link(m.repo, d, size, at)
        await tx.manifests.put({ repo: m.repo, digest: m.digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: m.size, pushedAt: at })
      }
    })
  }
  await store.transaction(async (tx) => {
    for (const [repo, digest] of doomed) await tx.manifests.delete(repo, digest)
  })
  await store.close()
  return { blobs, garbage: doomed.length * 5 }
}

async function child(dir: string, dryRun: boolean): Promise<void> {
  const idleRssKb = Math.round(process.memoryUsage().rss / 1024)
  const store = new SqliteStore(join(dir, 'metadata.db'))
  const gc = new GcService({ store, driver: new FilesystemDriver(join(dir, 'storage')), clock: { now: () => new Date() }, gracePeriodMs: DAY })
  const t0 = performance.now()
  const r = await gc.run({ dryRun })
  const ms = performance.now() - t0
  await store.close()
  process.stdout.write(JSON.stringify({ ms, idleRssKb, maxRssKb: process.resourceUsage().maxRSS, deleted: r.deletedBlobs, live: r.liveBlobs, manifests: r.manifests, freed: r.freedBytes }))
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] ?? '', process.argv[4] === 'dry')
} else {
  const manifests = Number(process.argv[2] ?? 10_000)
  const dir = await mkdtemp(join(tmpdir(), 'drydock-gc-bench-'))
  try {
    const t0 = performance.now()
    const { blobs, garbage } = await seed(dir, manifests)
    process.stdout.write(`seeded ${manifests} manifests, ${blobs} blobs (${garbage} unreferenced) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
    const self = fileURLToPath(import.meta.url)
    for (const mode of ['dry', 'real']) {
      const r = spawnSync(process.execPath, [self, '--child', dir, mode], { encoding: 'utf8' })
      if (r.status !== 0) throw new Error(r.stderr)
      const o = JSON.parse(r.stdout) as { ms: number; idleRssKb: number; maxRssKb: number; deleted: number; live: number; manifests: number; freed: number }
      process.stdout.write(`${mode === 'dry' ? 'dry run' : 'real run'}: ${(o.ms / 1000).toFixed(2)} s, peak RSS ${(o.maxRssKb / 1024).toFixed(0)} MiB (${(o.idleRssKb / 1024).toFixed(0)} MiB before the run); ` +
        `${o.manifests} manifests marked, ${o.live} live blobs, ${o.deleted} blobs ${mode === 'dry' ? 'to delete' : 'deleted'} (${o.freed} bytes)\n`)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
