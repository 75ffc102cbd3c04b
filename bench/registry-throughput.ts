/**
 * Registry benchmark, run by hand (`npm exec -- node bench/registry-throughput.ts`): Drydock and
 * the reference registry (CNCF distribution, Debian `docker-registry`) side by side in the same
 * run, on the same machine, with the same clients. Prints MB/s or req/s per row, the
 * Drydock/reference ratio (>= 1.0 means Drydock is at least as fast) and Drydock's peak RSS.
 *
 * Rows: skopeo push and pull of a 3 x 100 MiB image and of the Debian image from
 * ../shared/testdata; manifest GET requests/s with 64 concurrent connections (wrk).
 * Needs: skopeo, docker-registry, wrk (Debian packages). Each row is the median of RUNS runs.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { startDrydock } from '../src/testkit/start-drydock.ts'
import { startReferenceRegistry } from '../src/testkit/start-reference-registry.ts'
import { IMAGES_DIR } from '../src/testkit/repo-paths.ts'
import { makeBigImage } from './make-big-image.ts'

const RUNS = Number(process.env['RUNS'] ?? 3)
const WRK_SECONDS = Number(process.env['WRK_SECONDS'] ?? 10)

interface Target { readonly name: string; readonly host: string; readonly pid?: () => number | undefined }

function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`)
  return r.stdout
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

async function layoutBytes(dir: string): Promise<number> {
  let total = 0
  for (const f of readdirSync(join(dir, 'blobs', 'sha256'))) total += (await stat(join(dir, 'blobs', 'sha256', f))).size
  return total
}

async function timed(fn: () => void): Promise<number> {
  const t0 = performance.now()
  fn()
  return (performance.now() - t0) / 1000
}

async function pushPull(t: Target, layout: string, repo: string, bytes: number, run_: number): Promise<{ push: number; pull: number }> {
  const ref = `docker://${t.host}/${repo}-${run_}:1`
  const push = await timed(() => run('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${layout}`, ref]))
  const out = await mkdtemp(join(tmpdir(), 'bench-pull-'))
  const pull = await timed(() => run('skopeo', ['copy', '-q', '--src-tls-verify=false', ref, `dir:${out}`]))
  await rm(out, { recursive: true, force: true })
  return { push: bytes / 1e6 / push, pull: bytes / 1e6 / pull }
}

function manifestRps(t: Target, repo: string): number {
  const url = `http://${t.host}/v2/${repo}/manifests/1`
  const script = join(tmpdir(), 'drydock-bench-accept.lua')
  spawnSync('sh', ['-c', `printf '%s\\n' 'wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"' > ${script}`])
  const out = run('wrk', ['-t', '2', '-c', '64', '-d', `${WRK_SECONDS}s`, '-s', script, url])
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out)
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)
  if (non2xx) throw new Error(`${t.name}: ${non2xx[1]} failed manifest requests`)
  return Number(m?.[1] ?? Number.NaN)
}

async function peakRssMiB(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1])
  return kb / 1024
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'drydock-bench-'))
  const big = join(work, 'big')
  await makeBigImage(big, 3, 100)
  const debian = join(IMAGES_DIR, 'debian-bookworm-slim')
  const sizes = { big: await layoutBytes(big), debian: await layoutBytes(debian) }

  const dd = await startDrydock({ env: { DRYDOCK_LOG_LEVEL: 'warn' } })
  const ref = await startReferenceRegistry()
  const targets: Target[] = [{ name: 'drydock', host: dd.host, pid: dd.pid }, { name: 'reference', host: ref.host }]
  const results = new Map<string, Map<string, number[]>>()
  const record = (row: string, target: string, v: number): void => {
    const r = results.get(row) ?? new Map<string, number[]>()
    r.set(target, [...(r.get(target) ?? []), v])
    results.set(row, r)
  }
  let rssAfterBigPush = Number.NaN
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const t of i % 2 === 0 ? targets : [...targets].reverse()) {
        const b = await pushPull(t, big, 'bench/big', sizes.big, i)
        if (t.name === 'drydock') rssAfterBigPush = Math.max(rssAfterBigPush || 0, await peakRssMiB(t.pid?.()))
        const d = await pushPull(t, debian, 'bench/debian', sizes.debian, i)
        record('push 3x100 MiB (MB/s)', t.name, b.push)
        record('pull 3x100 MiB (MB/s)', t.name, b.pull)
        record('push debian (MB/s)', t.name, d.push)
        record('pull debian (MB/s)', t.name, d.pull)
      }
    }
    for (const t of targets) record('manifest GET, 64 conns (req/s)', t.name, manifestRps(t, 'bench/debian-0'))
  } finally {
    await dd.stop()
    await ref.stop()
    await rm(work, { recursive: true, force: true })
  }
  const lines = ['| row | drydock | reference | ratio |', '|---|---:|---:|---:|']
  for (const [row, byTarget] of results) {
    const a = median(byTarget.get('drydock') ?? [])
    const b = median(byTarget.get('reference') ?? [])
    lines.push(`| ${row} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(a / b).toFixed(2)} |`)
  }
  lines.push(`| drydock peak RSS during the 3x100 MiB pushes (MiB) | ${rssAfterBigPush.toFixed(0)} | | |`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

await main()
