/**
 * Scan and advisory-DB benchmarks, run by hand: `npm exec -- node bench/scan-speed.ts [records=50000]`.
 *
 * 1. DB import speed (records/s): a directory of `records` OSV npm records, derived from the real
 *    GHSA records in ../shared/testdata/vulndb/npm with new ids and package names, imported with
 *    `drydock db import`; the floor is reading and JSON-parsing the same files in one Node process.
 * 2. Scan time of node-app-on-debian with `drydock scan`, cold (empty layer cache) and warm (the
 *    same cache again), against the floor of `gzip -dc LAYER | tar -t` over the image's layers.
 * Everything runs in this one invocation, on this machine, and prints the ratios.
 */
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IMAGES_DIR, NODE_BIN, REPO_ROOT, VULNDB_DIR } from '../src/testkit/repo-paths.ts'

const RECORDS = Number(process.argv[2] ?? 50_000)
const MAIN = join(REPO_ROOT, 'src/cli/main.ts')

function timeCmd(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = performance.now()
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 256 << 20 })
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  return (performance.now() - t0) / 1000
}

async function makeRecords(dir: string, n: number): Promise<void> {
  const src = join(VULNDB_DIR, 'npm')
  const bases = await Promise.all((await readdir(src)).filter((f) => f.endsWith('.json')).map(async (f) => JSON.parse(await readFile(join(src, f), 'utf8')) as Record<string, unknown>))
  await mkdir(dir, { recursive: true })
  for (let i = 0; i < n; i++) {
    const base = bases[i % bases.length] as { affected?: Array<{ package: { name: string } }> }
    const rec = structuredClone(base) as Record<string, unknown> & { affected?: Array<{ package: { name: string } }> }
    rec['id'] = `BENCH-${i}`
    rec['aliases'] = []
    for (const a of rec.affected ?? []) a.package.name = `${a.package.name}-bench-${i % 5000}`
    await writeFile(join(dir, `BENCH-${i}.json`), JSON.stringify(rec))
  }
}

async function parseFloor(dir: string): Promise<number> {
  const t0 = performance.now()
  for (const f of await readdir(dir)) JSON.parse(await readFile(join(dir, f), 'utf8'))
  return (performance.now() - t0) / 1000
}

async function layerFiles(layout: string): Promise<string[]> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> }
  const blob = (d: string): string => join(layout, 'blobs', ...d.split(':'))
  const manifest = JSON.parse(await readFile(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as { layers: Array<{ digest: string }> }
  return manifest.layers.map((l) => blob(l.digest))
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'drydock-scan-bench-'))
  try {
    const records = join(work, 'records')
    await makeRecords(records, RECORDS)
    const floorImport = await parseFloor(records)
    const db = join(work, 'db')
    const importSecs = timeCmd(NODE_BIN, [MAIN, 'db', 'import', records, '--db', db])
    timeCmd(NODE_BIN, [MAIN, 'db', 'import', join(VULNDB_DIR, 'npm'), '--db', db])
    timeCmd(NODE_BIN, [MAIN, 'db', 'import', join(VULNDB_DIR, 'Debian', 'tracker'), '--kind', 'debian-tracker', '--db', db])

    const image = `oci:${join(IMAGES_DIR, 'node-app-on-debian')}`
    const cache = join(work, 'cache')
    const scanArgs = [MAIN, 'scan', image, '--db', db, '--cache-dir', cache, '--format', 'json', '--output', join(work, 'r.json')]
    const cold = timeCmd(NODE_BIN, scanArgs)
    const warm = timeCmd(NODE_BIN, scanArgs)
    let floor = 0
    for (const layer of await layerFiles(join(IMAGES_DIR, 'node-app-on-debian'))) floor += timeCmd('sh', ['-c', `gzip -dc '${layer}' | tar -t > /dev/null`])

    const rows = [
      ['| measurement | drydock | floor | drydock/floor time |', '|---|---:|---:|---:|'],
      [`| DB import, ${RECORDS} OSV records (records/s) | ${(RECORDS / importSecs).toFixed(0)} | ${(RECORDS / floorImport).toFixed(0)} (read+JSON.parse) | ${(importSecs / floorImport).toFixed(2)} |`],
      [`| scan node-app-on-debian, cold cache (s) | ${cold.toFixed(2)} | ${floor.toFixed(2)} (gzip -dc \\| tar -t) | ${(cold / floor).toFixed(2)} |`],
      [`| scan node-app-on-debian, warm cache (s) | ${warm.toFixed(2)} | ${floor.toFixed(2)} | ${(warm / floor).toFixed(2)} |`],
    ]
    process.stdout.write(`${rows.flat().join('\n')}\n`)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

await main()
