/**
 * Runs a real command-line tool (skopeo, docker, podman, ctr, buildah …) for end-to-end tests.
 *
 * Contract:
 * - `runTool()` resolves with the exit code and the captured output; it never throws for a
 *   non-zero exit. `mustRun()` throws a `ToolError` whose message carries the command line, the
 *   exit code and the tool's stderr/stdout, so a failing test explains itself.
 * - A tool that runs longer than `timeoutMs` is killed (SIGKILL) and reported as timed out.
 * - `requireTool()` throws (never skips) with an install hint when the binary is not on PATH.
 */
import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

export interface RunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly cwd?: string
  /** Kill the tool after this many milliseconds (default 180 s). */
  readonly timeoutMs?: number
  /** Written to the tool's stdin, which is closed afterwards. */
  readonly input?: string
}

export interface ToolResult {
  readonly command: string
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
}

export class ToolError extends Error {
  readonly result: ToolResult
  constructor(result: ToolResult) {
    const why = result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`
    super(`${result.command} ${why}\n--- stderr ---\n${tail(result.stderr)}\n--- stdout ---\n${tail(result.stdout)}`)
    this.name = 'ToolError'
    this.result = result
  }
}

/** Keeps error messages readable when a tool prints megabytes of progress output. */
function tail(text: string, max = 8000): string {
  return text.length > max ? `…${text.slice(-max)}` : text
}

/** Debian package that provides each tool, for the error message when it is missing. */
const PACKAGE_OF: Readonly<Record<string, string>> = {
  skopeo: 'skopeo',
  podman: 'podman',
  buildah: 'buildah',
  containerd: 'containerd',
  ctr: 'containerd',
  dockerd: 'docker.io',
  docker: 'docker.io',
  'docker-registry': 'docker-registry',
  umount: 'mount',
}

export function findTool(name: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).concat(['/usr/sbin', '/sbin'])
  for (const dir of dirs) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return undefined
}

export function requireTool(name: string): string {
  const found = findTool(name)
  if (found === undefined) {
    const pkg = PACKAGE_OF[name] ?? name
    throw new Error(`required tool '${name}' is not installed: run .ci/run (apt-get install ${pkg})`)
  }
  return found
}

/** Daemons such as dockerd and containerd need root; CI runs the tests as root (.ci/run). */
export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${what} needs root: run the end-to-end tests as root, as .ci/run does`)
}

export async function runTool(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<ToolResult> {
  const command = [bin, ...args].join(' ')
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries({ ...process.env, ...opts.env })) if (v !== undefined) env[k] = v
  return new Promise((resolveRun, reject) => {
    const child = spawn(bin, args, { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, opts.timeoutMs ?? 180_000)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`failed to start ${command}: ${err.message}`, { cause: err }))
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolveRun({ command, code, signal, stdout, stderr, timedOut })
    })
    child.stdin.on('error', () => {
      // the tool may exit without reading its stdin; that is not our failure
    })
    child.stdin.end(opts.input ?? '')
  })
}

/** Like runTool() but throws a ToolError (with the tool's output) unless the exit code is 0. */
export async function mustRun(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<ToolResult> {
  const result = await runTool(bin, args, opts)
  if (result.code !== 0) throw new ToolError(result)
  return result
}
