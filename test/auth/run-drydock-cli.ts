// Runs the real `drydock` CLI (src/cli/main.ts under the pinned Node) with stdin input, for the
// access-control commands that read secrets from standard input.
import { runDrydock, withoutDrydockEnv, type CliResult } from '../../src/testkit/run-drydock.ts'

export type CliRun = CliResult

/** Runs `drydock ARGS` with only the given DRYDOCK_* variables (none inherited) and `input` on stdin. */
export function drydockCli(args: readonly string[], env: Readonly<Record<string, string>>, input = '', timeoutMs = 60_000): Promise<CliRun> {
  return runDrydock(args, { env: { ...withoutDrydockEnv(), ...env }, input, timeoutMs })
}

/** Runs and insists on exit code 0; returns stdout. */
export async function mustCli(args: readonly string[], env: Readonly<Record<string, string>>, input = ''): Promise<string> {
  const r = await drydockCli(args, env, input)
  if (r.code !== 0) throw new Error(`drydock ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`)
  return r.stdout
}
