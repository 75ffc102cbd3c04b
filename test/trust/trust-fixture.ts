/**
 * Shared set-up for the signing tests: run the real `drydock` CLI as a child process, make keys
 * with `drydock key generate`, push images (a random one with the test OCI client, or a real one
 * from ../shared/testdata with skopeo), and temp dirs that are removed afterwards.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NODE_BIN, REPO_ROOT } from '../../src/testkit/repo-paths.ts'

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export const PASSWORD = 'correct horse battery staple'

/** Runs `drydock ARGS` with the key password in the environment (never on the command line). */
export function drydock(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DRYDOCK_PASSWORD: PASSWORD, ...opts.env }
    delete env['COSIGN_PASSWORD']
    if (opts.env && !('DRYDOCK_PASSWORD' in opts.env)) env['DRYDOCK_PASSWORD'] = PASSWORD
    const child = spawn(NODE_BIN, [join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: opts.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `drydock-trust-${prefix}-`))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** `drydock key generate --output-key-prefix DIR/NAME`; returns the two paths. */
export async function generateKeys(dir: string, name: string, password = PASSWORD): Promise<{ key: string; pub: string }> {
  const prefix = join(dir, name)
  const res = await drydock(['key', 'generate', '--output-key-prefix', prefix], { env: { DRYDOCK_PASSWORD: password } })
  if (res.code !== 0) throw new Error(`key generate failed (${res.code}): ${res.stderr}`)
  return { key: `${prefix}.key`, pub: `${prefix}.pub` }
}

export function describe(res: CliResult): string {
  return `exit ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`
}
