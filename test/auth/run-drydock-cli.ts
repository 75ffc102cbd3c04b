// Runs the real `drydock` CLI (src/cli/main.ts under the pinned Node) with stdin input, for the
// access-control commands that read secrets from standard input.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { NODE_BIN, REPO_ROOT } from '../../src/testkit/repo-paths.ts'

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export function drydockCli(args: readonly string[], env: Readonly<Record<string, string>>, input = '', timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DRYDOCK_')))
    const child = spawn(NODE_BIN, [join(REPO_ROOT, 'src/cli/main.ts'), ...args], { env: { ...clean, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(input)
  })
}

/** Runs and insists on exit code 0; returns stdout. */
export async function mustCli(args: readonly string[], env: Readonly<Record<string, string>>, input = ''): Promise<string> {
  const r = await drydockCli(args, env, input)
  if (r.code !== 0) throw new Error(`drydock ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`)
  return r.stdout
}
