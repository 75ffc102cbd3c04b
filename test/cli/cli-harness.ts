/**
 * Runs the real `drydock` CLI (src/cli/main.ts under the pinned Node) as a child process with a
 * private cache dir, and builds advisory DBs for it from the shared test data.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireTestdata } from '../../src/testkit/repo-paths.ts'
import { runDrydock, type CliResult } from '../../src/testkit/run-drydock.ts'

export type { CliResult }

export function runCli(args: readonly string[], env: Readonly<Record<string, string>>, timeoutMs = 120_000): Promise<CliResult> {
  return runDrydock(args, { env: { CI: 'true', NO_COLOR: '1', ...env }, timeoutMs })
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
