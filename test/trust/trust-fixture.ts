/**
 * Shared set-up for the signing tests: run the real `drydock` CLI as a child process, make keys
 * with `drydock key generate`, push images (a random one with the test OCI client, or a real one
 * from ../shared/testdata with skopeo), and temp dirs that are removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runDrydock, type CliResult } from '../../src/testkit/run-drydock.ts'

export type { CliResult }

export const PASSWORD = 'correct horse battery staple'

/** Runs `drydock ARGS` with the key password in the environment (never on the command line). */
export function drydock(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return runDrydock(args, { env: { COSIGN_PASSWORD: undefined, DRYDOCK_PASSWORD: undefined, DRYDOCK_KEY_PASSWORD: PASSWORD, ...opts.env }, ...(opts.cwd ? { cwd: opts.cwd } : {}) })
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `drydock-trust-${prefix}-`))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** `drydock key generate --output-key-prefix DIR/NAME`; returns the two paths. */
export async function generateKeys(dir: string, name: string, password = PASSWORD): Promise<{ key: string; pub: string }> {
  const prefix = join(dir, name)
  const res = await drydock(['key', 'generate', '--output-key-prefix', prefix], { env: { DRYDOCK_KEY_PASSWORD: password } })
  if (res.code !== 0) throw new Error(`key generate failed (${res.code}): ${res.stderr}`)
  return { key: `${prefix}.key`, pub: `${prefix}.pub` }
}

export function describe(res: CliResult): string {
  return `exit ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`
}
