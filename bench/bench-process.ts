/**
 * Process helpers for the hand-run benchmarks. Clients are spawned asynchronously on purpose:
 * a spawnSync would block this process's event loop, so the registries' piped stdout/stderr
 * (read by the testkit starters) would stop being drained, and a registry that logs every
 * request (the reference one does) would stall on a full pipe and measure as "slow".
 */
import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'

/** Runs a tool to completion; rejects with its stderr when it exits non-zero. */
export async function runTool(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.once('error', (e) => reject(new Error(`${cmd} could not be started (is it installed?): ${e.message}`)))
    child.once('close', (code, signal) => {
      if (code === 0) resolveRun(out)
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}): ${err.slice(-2000)}`))
    })
  })
}

/** Wall-clock seconds `fn` takes. */
export async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return (performance.now() - t0) / 1000
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

/**
 * Resets the kernel's peak-RSS counter (VmHWM) of `pid` to its current RSS (Linux
 * clear_refs value 5), so a later peakRssMiB() covers only what happened in between.
 */
export async function resetPeakRss(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5')
}

/** Peak resident set size (VmHWM) of `pid` in MiB. */
export async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1])
  if (!Number.isFinite(kb)) throw new Error(`no VmHWM in /proc/${pid}/status`)
  return kb / 1024
}
