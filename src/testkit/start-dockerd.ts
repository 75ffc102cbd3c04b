/**
 * Starts a private Docker engine (dockerd, Debian package docker.io) for one test file: its own
 * data-root, exec-root, socket, pidfile and daemon.json in a temp dir; no iptables, no bridge
 * (nothing on the host network changes), overlay2 storage. Registries that speak plain HTTP must
 * be passed in `insecureRegistries` up front, so start the registry first.
 *
 * `docker(args)` runs the docker CLI against this engine with a private DOCKER_CONFIG (no host
 * credentials) and the classic builder. `stop()` stops the engine and the containerd it
 * started, unmounts what it left mounted and removes every directory.
 */
import { request } from 'node:http'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnDaemon, waitReady } from './daemon-process.ts'
import { mustRun, requireRoot, requireTool, runTool, type RunOptions, type ToolResult } from './run-tool.ts'
import { unmountUnder } from './unmount-under.ts'

export interface DockerdOptions {
  /** host:port of plain-HTTP registries (`--insecure-registry`). */
  readonly insecureRegistries?: readonly string[]
}

export interface RunningDockerd {
  /** `unix:///…/docker.sock` */
  readonly host: string
  /** Runs the docker CLI against this engine; throws with its stderr on failure. */
  docker(args: readonly string[], opts?: RunOptions): Promise<ToolResult>
  /** Same, resolving whatever the exit code. */
  tryDocker(args: readonly string[], opts?: RunOptions): Promise<ToolResult>
  output(): string
  stop(): Promise<void>
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolvePing) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume()
      resolvePing(res.statusCode === 200)
    })
    req.on('error', () => resolvePing(false))
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function startDockerd(opts: DockerdOptions = {}): Promise<RunningDockerd> {
  requireRoot('dockerd')
  const dockerd = requireTool('dockerd')
  const dockerCli = requireTool('docker')
  // Short base path: the socket path must fit in sockaddr_un (108 bytes).
  const base = await mkdtemp(join(tmpdir(), 'dd-'))
  const dirs = { data: join(base, 'data'), exec: join(base, 'exec'), config: join(base, 'client') }
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true })
  const socket = join(base, 'docker.sock')
  const daemonJson = join(base, 'daemon.json')
  await writeFile(daemonJson, '{}') // keeps the host's /etc/docker/daemon.json out of the test
  const host = `unix://${socket}`
  const args = [
    '--config-file', daemonJson,
    '--iptables=false', '--ip6tables=false', '--bridge=none',
    '--storage-driver=overlay2',
    '--data-root', dirs.data,
    '--exec-root', dirs.exec,
    '-H', host,
    '--pidfile', join(base, 'docker.pid'),
    ...(opts.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
  ]
  const daemon = spawnDaemon(dockerd, args)

  const cleanup = async (): Promise<void> => {
    await daemon.stop(30_000)
    // dockerd normally stops its own containerd; make sure, since it would outlive the test.
    const pidText = await readFile(join(dirs.exec, 'containerd', 'containerd.pid'), 'utf8').catch(() => '')
    const containerdPid = Number.parseInt(pidText, 10)
    if (containerdPid > 0 && isAlive(containerdPid)) process.kill(containerdPid, 'SIGKILL')
    await unmountUnder(base)
    await rm(base, { recursive: true, force: true })
  }
  try {
    await waitReady('dockerd', daemon, () => ping(socket), 60_000)
  } catch (err) {
    await cleanup()
    throw err
  }

  const env = { DOCKER_HOST: host, DOCKER_CONFIG: dirs.config, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' }
  return {
    host,
    docker: (a, o = {}) => mustRun(dockerCli, a, { ...o, env: { ...env, ...o.env } }),
    tryDocker: (a, o = {}) => runTool(dockerCli, a, { ...o, env: { ...env, ...o.env } }),
    output: daemon.output,
    stop: cleanup,
  }
}
