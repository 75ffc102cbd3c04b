/**
 * Runs the real `drydock` CLI (src/cli/main.ts under the pinned Node) as a child process, the way a
 * user or a CI job would. `env` is laid over this process's environment; a key set to undefined is
 * removed. A run that outlives `timeoutMs` is killed and rejected with its output, so a hung
 * command fails the test with an explanation instead of stalling the run.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { NODE_BIN, REPO_ROOT } from './repo-paths.ts'

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface RunDrydockOptions {
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Written to stdin, which is then closed (stdin is empty otherwise). */
  readonly input?: string
  readonly cwd?: string
  readonly timeoutMs?: number
}

const MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts')

export function runDrydock(args: readonly string[], opts: RunDrydockOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  const timeoutMs = opts.timeoutMs ?? 120_000
  return new Promise((resolve, reject) => {
    const child = spawn(NODE_BIN, [MAIN, ...args], { cwd: opts.cwd ?? REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
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
    child.stdin.end(opts.input ?? '')
  })
}

/** Keys that unset every DRYDOCK_* variable of this process (tests that must not inherit them). */
export function withoutDrydockEnv(): Record<string, undefined> {
  return Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('DRYDOCK_')).map((k) => [k, undefined]))
}
