/**
 * Starts a real Drydock server process (`drydock serve`) for black-box, end-to-end and crash tests.
 * The server listens on 127.0.0.1 on a free port; `stop()` shuts it down gracefully (SIGTERM),
 * `kill()` sends SIGKILL (crash tests), and `restart()` starts a new process on the same data dir
 * and port. The process is also killed when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NODE_BIN, REPO_ROOT } from './repo-paths.ts'

export interface StartOptions {
  /** Data directory; a fresh temporary one (removed by stop()) when omitted. */
  readonly dataDir?: string
  /** Extra CLI arguments for `drydock serve`. */
  readonly args?: readonly string[]
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>
  /** Fixed port (otherwise a free one). */
  readonly port?: number
}

export interface RunningDrydock {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string
  /** e.g. `127.0.0.1:41234` (what docker/skopeo want) */
  readonly host: string
  readonly port: number
  readonly dataDir: string
  /** The current server process id (changes on restart). */
  pid(): number | undefined
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
  stop(): Promise<void>
  kill(): Promise<void>
  restart(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolvePort(port))
    })
  })
}

async function waitHealthy(url: string, child: ChildProcess, out: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`drydock exited during start-up (${child.exitCode ?? child.signalCode}):\n${out()}`)
    }
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`drydock did not become healthy within ${timeoutMs} ms:\n${out()}`)
}

export async function startDrydock(opts: StartOptions = {}): Promise<RunningDrydock> {
  const ownsData = opts.dataDir === undefined
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'drydock-test-')))
  const port = opts.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  let log = ''
  let child: ChildProcess | undefined

  const launch = async (): Promise<void> => {
    const proc = spawn(
      NODE_BIN,
      [join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir, ...(opts.args ?? [])],
      { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    proc.stdout?.on('data', (d: Buffer) => (log += d.toString()))
    proc.stderr?.on('data', (d: Buffer) => (log += d.toString()))
    child = proc
    await waitHealthy(url, proc, () => log)
  }

  const waitExit = async (sig: NodeJS.Signals): Promise<void> => {
    const proc = child
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise<void>((r) => proc.once('exit', () => r()))
    proc.kill(sig)
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }

  const onExit = (): void => {
    child?.kill('SIGKILL')
  }
  process.once('exit', onExit)
  await launch()

  return {
    url,
    host: `127.0.0.1:${port}`,
    port,
    dataDir,
    pid: () => child?.pid,
    output: () => log,
    stop: async () => {
      await waitExit('SIGTERM')
      process.removeListener('exit', onExit)
      if (ownsData) await rm(dataDir, { recursive: true, force: true })
    },
    kill: async () => waitExit('SIGKILL'),
    restart: async () => {
      await waitExit('SIGTERM')
      await launch()
    },
  }
}
