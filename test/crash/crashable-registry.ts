/**
 * A registry the crash test can kill -9 and restart on the same data dir and port: Drydock via
 * startDrydock() by default; with DRYDOCK_E2E_REGISTRY=reference the reference registry
 * (docker-registry), to check the test itself against a known-good implementation.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnDaemon, waitReady, type DaemonProcess } from '../../src/testkit/daemon-process.ts'
import { requireTool } from '../../src/testkit/run-tool.ts'
import { freePort, startDrydock } from '../../src/testkit/start-drydock.ts'

export interface CrashableRegistry {
  readonly name: 'drydock' | 'reference'
  readonly url: string
  readonly host: string
  output(): string
  /** SIGKILL, no chance to clean up. */
  kill(): Promise<void>
  /** Start again on the same data dir and port (after kill(), or gracefully stopping first). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export async function startCrashableRegistry(): Promise<CrashableRegistry> {
  const which = process.env['DRYDOCK_E2E_REGISTRY'] ?? 'drydock'
  if (which === 'reference') return startReference()
  if (which !== 'drydock') throw new Error(`DRYDOCK_E2E_REGISTRY must be 'drydock' or 'reference', not '${which}'`)
  const dd = await startDrydock()
  return { name: 'drydock', url: dd.url, host: dd.host, output: dd.output, kill: dd.kill, restart: dd.restart, stop: dd.stop }
}

async function startReference(): Promise<CrashableRegistry> {
  const bin = requireTool('docker-registry')
  const dir = await mkdtemp(join(tmpdir(), 'drydock-crashref-'))
  const port = await freePort()
  const config = join(dir, 'config.yml')
  // http.secret: distribution signs upload state with it; a random per-process secret would
  // invalidate every session across the restart (BLOB_UPLOAD_INVALID), defeating the resume check.
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: drydock-crash-test-not-a-real-secret\n`,
  )
  const url = `http://127.0.0.1:${port}`
  let log = ''
  let proc: DaemonProcess | undefined
  const launch = async (): Promise<void> => {
    const p = spawnDaemon(bin, ['serve', config])
    proc = p
    await waitReady('docker-registry', p, async () => (await fetch(`${url}/v2/`)).status === 200, 15_000)
  }
  const killNow = async (): Promise<void> => {
    if (!proc) return
    log += proc.output()
    await proc.kill()
  }
  await launch()
  return {
    name: 'reference',
    url,
    host: `127.0.0.1:${port}`,
    output: () => log + (proc?.output() ?? ''),
    kill: killNow,
    restart: async () => {
      await killNow()
      await launch()
    },
    stop: async () => {
      await killNow()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
