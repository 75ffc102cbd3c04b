/**
 * Starts the reference registry (CNCF distribution, Debian package `docker-registry`) on a free
 * 127.0.0.1 port with filesystem storage in a fresh temp dir and deletes enabled. Used to
 * sanity-check black-box tests against a second implementation, and for benchmarks/e2e.
 * Known gaps of distribution 2.8 (not bugs in our tests): no referrers API, no tag pagination
 * beyond `n`/`last` basics, and some chunked-upload errors answered with other statuses.
 * `stop()` kills the process and removes the temp dir. Fails loudly when the binary is missing.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './start-drydock.ts'

export interface RunningReferenceRegistry {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string
  /** e.g. `127.0.0.1:41234` */
  readonly host: string
  /** Everything the process wrote so far. */
  output(): string
  stop(): Promise<void>
}

const BINARY = 'docker-registry'

function configYaml(rootDir: string, port: number): string {
  // Shaped like /etc/docker/registry/config.yml, minus auth; no health checks (faster start-up).
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${rootDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n')
}

export async function startReferenceRegistry(): Promise<RunningReferenceRegistry> {
  const probe = spawnSync(BINARY, ['--version'], { encoding: 'utf8' })
  if (probe.error) {
    throw new Error(`${BINARY} not found (apt-get install docker-registry; it is listed in .ci/run): ${probe.error.message}`)
  }
  const dir = await mkdtemp(join(tmpdir(), 'drydock-refreg-'))
  const port = await freePort()
  const configPath = join(dir, 'config.yml')
  await writeFile(configPath, configYaml(join(dir, 'data'), port))
  const url = `http://127.0.0.1:${port}`
  let log = ''
  const proc = spawn(BINARY, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  proc.stdout.on('data', (d: Buffer) => (log += d.toString()))
  proc.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const onExit = (): void => {
    proc.kill('SIGKILL')
  }
  process.once('exit', onExit)

  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit)
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()))
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    await rm(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 15_000
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      await stop()
      throw new Error(`${BINARY} exited during start-up (${proc.exitCode ?? proc.signalCode}):\n${log}`)
    }
    try {
      const res = await fetch(`${url}/v2/`)
      await res.body?.cancel()
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`${BINARY} did not answer on ${url}/v2/ within 15 s:\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { url, host: `127.0.0.1:${port}`, output: () => log, stop }
}
