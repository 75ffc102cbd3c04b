/**
 * Registry benchmark, run by hand (`npm exec -- node bench/registry-throughput.ts`): Drydock and
 * the reference registry (CNCF distribution, Debian `docker-registry`) side by side in the same
 * run, on the same machine, with the same clients. Prints MB/s or req/s per row, the
 * Drydock/reference ratio (>= 1.0 means Drydock is at least as fast) and Drydock's peak RSS.
 *
 * Rows: skopeo push and pull of a 3 x 100 MiB image (generated, gzip layers of random bytes)
 * and of the Debian image from ../shared/testdata; manifest GET requests/s with 64 concurrent
 * connections (wrk). Every run starts both registries fresh (empty storage, so no run can
 * mount blobs pushed by an earlier one), then measures each row on both back to back, the first
 * of each pair alternating between runs. The machine is shared, so load drifts: a row's ratio
 * is the median of the per-run ratios of those pairs (the MB/s and req/s columns are medians
 * too). Peak RSS is Drydock's VmHWM, reset right before and read right after the 3 x 100 MiB
 * push, so it covers exactly that push (the maximum over runs is printed).
 *
 * Env: RUNS (default 5), WRK_SECONDS (default 10), ROWS (a regular expression: only the rows
 * whose name matches, e.g. ROWS=100 for the 3 x 100 MiB push and pull), DRYDOCK_LOG_LEVEL (default info, the shipped
 * default; the reference registry logs every request at its default too), DRYDOCK_CPU_PROF=DIR
 * (writes a V8 CPU profile of each Drydock process to DIR, for finding hot spots),
 * BASELINE=no-pull-records (the "reference" column is then Drydock itself with
 * DRYDOCK_PULLS_RECORD=false: what recording last pull times costs; e.g. ROWS=debian),
 * BASELINE=no-policy (issue #13: both columns are Drydock with scan on push over the advisory DB
 * built from ../shared/testdata/vulndb, and the "drydock" one also enforces a deploy policy on
 * `bench` that the Debian image passes, so the manifest GET row measures the gate's cached
 * 'allow' path; before that row the scan is awaited and the verdict checked; e.g.
 * ROWS='debian|manifest').
 * Needs: skopeo, docker-registry, wrk (Debian packages).
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { cpus, loadavg, totalmem, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDrydock } from '../src/testkit/start-drydock.ts'
import { startReferenceRegistry } from '../src/testkit/start-reference-registry.ts'
import { IMAGES_DIR, requireTestdata } from '../src/testkit/repo-paths.ts'
import { median, peakRssMiB, resetPeakRss, runTool, seconds } from './bench-process.ts'
import { makeBigImage } from './make-big-image.ts'
import { buildVulndbFixture } from '../src/scanner/vuln/db/vulndb-fixture.ts'

const RUNS = Number(process.env['RUNS'] ?? 5)
const WRK_SECONDS = Number(process.env['WRK_SECONDS'] ?? 10)
const LOG_LEVEL = process.env['DRYDOCK_LOG_LEVEL'] ?? 'info'
const CPU_PROF = process.env['DRYDOCK_CPU_PROF']
/** Only the rows whose name matches (a pull row needs its push row: `ROWS=100` runs both). */
const ROWS = new RegExp(process.env['ROWS'] ?? '')
const BASELINE = process.env['BASELINE']
if (BASELINE !== undefined && BASELINE !== 'no-pull-records' && BASELINE !== 'no-policy') {
  throw new Error(`BASELINE must be no-pull-records or no-policy, not ${BASELINE}`)
}

interface Target {
  readonly name: 'drydock' | 'reference'
  readonly host: string
  /** Drydock's server pid (for RSS); undefined for the reference registry. */
  readonly pid: number | undefined
  stop(): Promise<void>
}

interface Image {
  readonly layout: string
  readonly tag: string
  readonly bytes: number
}

async function layoutBytes(dir: string): Promise<number> {
  let total = 0
  const blobs = join(dir, 'blobs', 'sha256')
  for (const f of await readdir(blobs)) total += (await stat(join(blobs, f))).size
  return total
}

async function start(name: Target['name'], work: string, advisoryDb: string | undefined): Promise<Target> {
  if (BASELINE === 'no-policy') return await startPolicyTarget(name, work, advisoryDb)
  if (name === 'reference' && BASELINE === 'no-pull-records') {
    const dd = await startDrydock({ env: { DRYDOCK_LOG_LEVEL: LOG_LEVEL, DRYDOCK_PULLS_RECORD: 'false' } })
    return { name, host: dd.host, pid: undefined, stop: dd.stop }
  }
  if (name === 'reference') {
    const ref = await startReferenceRegistry()
    return { name, host: ref.host, pid: undefined, stop: ref.stop }
  }
  const env: Record<string, string> = { DRYDOCK_LOG_LEVEL: LOG_LEVEL }
  if (CPU_PROF !== undefined) env['NODE_OPTIONS'] = `--cpu-prof --cpu-prof-dir=${CPU_PROF}`
  const dd = await startDrydock({ env })
  const pid = dd.pid()
  if (pid === undefined) throw new Error('drydock has no pid')
  return { name, host: dd.host, pid, stop: dd.stop }
}

/**
 * BASELINE=no-policy: the same Drydock on both sides (scan on push, same advisory DB), the
 * "drydock" one with an enforced policy that a clean scan passes: a real verdict, not `require: {}`.
 */
async function startPolicyTarget(name: Target['name'], work: string, advisoryDb: string | undefined): Promise<Target> {
  if (advisoryDb === undefined) throw new Error('BASELINE=no-policy needs the advisory DB')
  const policies = [{ name: 'bench-gate', scope: 'bench', mode: 'enforce', require: { scan: {}, vulnerabilities: { atOrAbove: 'CRITICAL', ignoreUnfixed: true } } }]
  const config = join(work, `${name}-config.json`)
  await writeFile(config, JSON.stringify({ scanning: { scanOnPush: true, advisoryDb }, ...(name === 'drydock' ? { policies } : {}) }))
  const dd = await startDrydock({ args: ['--config', config], env: { DRYDOCK_LOG_LEVEL: LOG_LEVEL } })
  const pid = dd.pid()
  if (pid === undefined) throw new Error('drydock has no pid')
  return { name, host: dd.host, pid: name === 'drydock' ? pid : undefined, stop: dd.stop }
}

/**
 * BASELINE=no-policy, before the manifest GETs: waits for the scan on push to finish, then asks
 * the gate's details route, so the "drydock" side is known to answer from an evaluated 'allow'
 * verdict (the policy's, now cached) and the reference side to have no policy at all.
 */
async function awaitGateVerdict(t: Target, repo: string): Promise<void> {
  // By tag through the findings API: a manifest HEAD would be refused by the gate until the scan ends.
  const images = `http://${t.host}/api/v1/repositories/${repo}/images`
  const deadline = Date.now() + 300_000
  let digest: string | undefined
  for (;;) {
    const scan = await fetch(`${images}/1/scan-findings`)
    const body = scan.status === 200 ? ((await scan.json()) as { imageId?: { imageDigest?: string }; imageScanStatus?: { status?: string } }) : undefined
    const status = body?.imageScanStatus?.status
    if (status === 'COMPLETE') {
      digest = body?.imageId?.imageDigest
      break
    }
    if (status !== undefined && status !== 'PENDING' && status !== 'IN_PROGRESS') throw new Error(`${t.name}: scan ended ${status}`)
    if (Date.now() > deadline) throw new Error(`${t.name}: scan not finished after 300 s`)
    await new Promise((r) => setTimeout(r, 200))
  }
  if (digest === undefined) throw new Error(`${t.name}: the findings name no digest`)
  const api = `${images}/${encodeURIComponent(digest)}`
  const res = await fetch(`${api}/policy`)
  const text = await res.text()
  const decision = JSON.parse(text) as { decision?: string; verdict?: { decision?: string } }
  const wanted = t.name === 'drydock' ? decision.verdict?.decision === 'allow' : decision.verdict === undefined
  if (res.status !== 200 || decision.decision !== 'allow' || !wanted) throw new Error(`${t.name}: unexpected gate decision ${res.status} ${text}`)
}

async function push(t: Target, image: Image, repo: string): Promise<number> {
  const args = ['copy', '-q', '--preserve-digests', '--dest-tls-verify=false', `oci:${image.layout}:${image.tag}`, `docker://${t.host}/${repo}:1`]
  return image.bytes / 1e6 / (await seconds(() => runTool('skopeo', args)))
}

async function pull(t: Target, image: Image, repo: string, work: string): Promise<number> {
  const out = await mkdtemp(join(work, 'pull-'))
  try {
    const args = ['copy', '-q', '--src-tls-verify=false', `docker://${t.host}/${repo}:1`, `dir:${out}`]
    return image.bytes / 1e6 / (await seconds(() => runTool('skopeo', args)))
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}

async function manifestRps(t: Target, repo: string, work: string): Promise<number> {
  const script = join(work, 'accept.lua')
  await writeFile(script, 'wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"\n')
  const url = `http://${t.host}/v2/${repo}/manifests/1`
  const out = await runTool('wrk', ['-t', '2', '-c', '64', '-d', `${WRK_SECONDS}s`, '-s', script, url])
  const failed = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)
  if (failed) throw new Error(`${t.name}: ${failed[1]} manifest GETs failed:\n${out}`)
  const errors = /Socket errors:.*/.exec(out)
  if (errors) process.stderr.write(`${t.name}: wrk ${errors[0]}\n`)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  if (!Number.isFinite(rps) || rps <= 0) throw new Error(`${t.name}: no requests/sec in wrk output:\n${out}`)
  return rps
}

/** One row's samples: per target, and the per-run ratios of back-to-back pairs. */
interface Row {
  readonly drydock: number[]
  readonly reference: number[]
  readonly ratios: number[]
}

type Results = Map<string, Row>

const MANIFEST_ROW = 'manifest GET, 64 conns (req/s)'
/** BASELINE=no-policy: the rows that read the Debian image through the gate. */
const GATED_ROWS = new Set(['pull debian (MB/s)', MANIFEST_ROW])

interface Step {
  readonly row: string
  measure(t: Target): Promise<number>
}

function steps(big: Image, debian: Image, work: string, rss: number[]): Step[] {
  return [
    {
      row: 'push 3 x 100 MiB (MB/s)',
      measure: async (t) => {
        if (t.pid !== undefined) await resetPeakRss(t.pid)
        const v = await push(t, big, 'bench/big')
        if (t.pid !== undefined) rss.push(await peakRssMiB(t.pid))
        return v
      },
    },
    { row: 'pull 3 x 100 MiB (MB/s)', measure: (t) => pull(t, big, 'bench/big', work) },
    { row: 'push debian (MB/s)', measure: (t) => push(t, debian, 'bench/debian') },
    { row: 'pull debian (MB/s)', measure: (t) => pull(t, debian, 'bench/debian', work) },
    { row: MANIFEST_ROW, measure: (t) => manifestRps(t, 'bench/debian', work) },
  ]
}

/**
 * One run: both registries fresh, then every step on both back to back (so a load change on
 * this shared machine hits both samples of a pair alike), the first of each pair alternating.
 */
async function benchRun(i: number, big: Image, debian: Image, work: string, results: Results, rss: number[], advisoryDb: string | undefined): Promise<void> {
  const names: Array<Target['name']> = i % 2 === 0 ? ['drydock', 'reference'] : ['reference', 'drydock']
  const targets: Target[] = []
  try {
    for (const name of names) targets.push(await start(name, work, advisoryDb))
    for (const step of steps(big, debian, work, rss).filter((s) => ROWS.test(s.row))) {
      // The gate refuses the Debian image until its scan ends; and both scans are done before either
      // side is measured, since a scan running on one would load the other.
      if (BASELINE === 'no-policy' && GATED_ROWS.has(step.row)) for (const t of targets) await awaitGateVerdict(t, 'bench/debian')
      const got = new Map<Target['name'], number>()
      for (const t of targets) got.set(t.name, await step.measure(t))
      const row = results.get(step.row) ?? { drydock: [], reference: [], ratios: [] }
      const a = got.get('drydock') ?? Number.NaN
      const b = got.get('reference') ?? Number.NaN
      row.drydock.push(a)
      row.reference.push(b)
      row.ratios.push(a / b)
      results.set(step.row, row)
      process.stderr.write(`run ${i + 1} ${step.row}: drydock ${a.toFixed(1)}, reference ${b.toFixed(1)}\n`)
    }
  } finally {
    for (const t of targets) await t.stop()
  }
}

function table(results: Results, rss: readonly number[]): string {
  const lines = ['| row | drydock | reference | ratio (median of runs) | ratio range |', '|---|---:|---:|---:|---:|']
  for (const [row, r] of results) {
    const range = `${Math.min(...r.ratios).toFixed(2)}-${Math.max(...r.ratios).toFixed(2)}`
    lines.push(`| ${row} | ${median(r.drydock).toFixed(1)} | ${median(r.reference).toFixed(1)} | ${median(r.ratios).toFixed(2)} | ${range} |`)
  }
  if (rss.length > 0) lines.push(`| drydock peak RSS during the 3 x 100 MiB push (MiB, max of ${rss.length} runs) | ${Math.max(...rss).toFixed(0)} | | | |`)
  return lines.join('\n')
}

async function main(): Promise<void> {
  requireTestdata()
  const work = await mkdtemp(join(tmpdir(), 'drydock-bench-'))
  const vulndb = BASELINE === 'no-policy' ? await buildVulndbFixture() : undefined
  try {
    const bigDir = join(work, 'big')
    // 300 MiB of random gzip takes a while on a shared machine: made only when a row uses it.
    const needsBig = ['push', 'pull'].some((op) => ROWS.test(`${op} 3 x 100 MiB (MB/s)`))
    if (needsBig) await makeBigImage(bigDir, 3, 100)
    const big: Image = { layout: bigDir, tag: 'big', bytes: needsBig ? await layoutBytes(bigDir) : 0 }
    const debianDir = join(IMAGES_DIR, 'debian-bookworm-slim')
    const debian: Image = { layout: debianDir, tag: 'bookworm-slim', bytes: await layoutBytes(debianDir) }
    const results: Results = new Map()
    const rss: number[] = []
    for (let i = 0; i < RUNS; i++) await benchRun(i, big, debian, work, results, rss, vulndb?.path)
    const cpu = cpus()[0]?.model ?? 'unknown CPU'
    process.stdout.write(
      `${new Date().toISOString().slice(0, 10)}, ${cpu} x ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ` +
        `node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
        `RUNS=${RUNS} WRK_SECONDS=${WRK_SECONDS} DRYDOCK_LOG_LEVEL=${LOG_LEVEL}${BASELINE === undefined ? '' : ` BASELINE=${BASELINE}`}\n\n${table(results, rss)}\n`,
    )
  } finally {
    vulndb?.close()
    await rm(work, { recursive: true, force: true })
  }
}

await main()
