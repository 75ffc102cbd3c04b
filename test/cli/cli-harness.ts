/**
 * Runs the real `drydock` CLI (src/cli/main.ts under the pinned Node) as a child process with a
 * private cache dir, and builds advisory DBs for it from the shared test data.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NODE_BIN, REPO_ROOT, requireTestdata } from '../../src/testkit/repo-paths.ts'

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts')

export function runCli(args: readonly string[], env: Readonly<Record<string, string>>, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE_BIN, [MAIN, ...args], { env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`drydock ${args.join(' ')} did not finish within ${timeoutMs} ms\nstderr: ${stderr}`))
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export interface CliSandbox {
  readonly dir: string
  /** DRYDOCK_CACHE_DIR pointing into the sandbox. */
  readonly env: Record<string, string>
  run(args: readonly string[]): Promise<CliResult>
  close(): Promise<void>
}

export async function cliSandbox(): Promise<CliSandbox> {
  requireTestdata()
  const dir = await mkdtemp(join(tmpdir(), 'drydock-cli-'))
  const env = { DRYDOCK_CACHE_DIR: join(dir, 'cache') }
  return { dir, env, run: (args) => runCli(args, env), close: () => rm(dir, { recursive: true, force: true }) }
}

/** Explains a failed run in assertion messages. */
export function show(r: CliResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 4000)}\n--- stderr\n${r.stderr.slice(0, 4000)}`
}
