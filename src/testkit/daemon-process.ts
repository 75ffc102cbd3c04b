/**
 * A long-running daemon (dockerd, containerd) started by a test: output captured, killed when
 * the test process exits, stopped gracefully (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process'

export interface DaemonProcess {
  readonly pid: number
  output(): string
  exited(): boolean
  /** SIGTERM, SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>
  /** SIGKILL at once (crash tests); resolves once the process is gone. */
  kill(): Promise<void>
}

export function spawnDaemon(bin: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): DaemonProcess {
  const child: ChildProcess = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  // Keep the last ~200 kB only: daemons log a lot at info level.
  const append = (d: Buffer): void => {
    log += d.toString()
    if (log.length > 400_000) log = log.slice(-200_000)
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  child.on('error', (err) => append(Buffer.from(`failed to start ${bin}: ${err.message}\n`)))
  const onExit = (): void => {
    child.kill('SIGKILL')
  }
  process.once('exit', onExit)
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null
  return {
    pid: child.pid ?? -1,
    output: () => log,
    exited,
    stop: async (graceMs = 20_000) => {
      process.removeListener('exit', onExit)
      if (exited()) return
      const gone = new Promise<void>((r) => child.once('exit', () => r()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await gone
      clearTimeout(timer)
    },
    kill: async () => {
      process.removeListener('exit', onExit)
      if (exited()) return
      const gone = new Promise<void>((r) => child.once('exit', () => r()))
      child.kill('SIGKILL')
      await gone
    },
  }
}

/** Polls `probe` until it resolves true; fails with the daemon's output on exit or timeout. */
export async function waitReady(name: string, daemon: DaemonProcess, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (daemon.exited()) throw new Error(`${name} exited during start-up:\n${daemon.output().slice(-8000)}`)
    if (await probe().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${name} did not become ready within ${timeoutMs} ms:\n${daemon.output().slice(-8000)}`)
}
