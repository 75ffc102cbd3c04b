/**
 * Starts a private containerd (Debian package containerd) for one test file: root, state, opt
 * and gRPC/ttrpc sockets all inside a temp dir, the CRI plugin disabled (it wants CNI and would
 * touch the host network). `ctr(args)` runs `ctr --address SOCK --namespace drydock-e2e …`.
 * `stop()` stops the daemon, unmounts what it left mounted (snapshots) and removes the dir.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnDaemon, waitReady } from './daemon-process.ts'
import { mustRun, requireRoot, requireTool, runTool, type RunOptions, type ToolResult } from './run-tool.ts'
import { unmountUnder } from './unmount-under.ts'

export interface RunningContainerd {
  /** Path of the gRPC socket (`ctr --address`). */
  readonly address: string
  /** Runs ctr against this daemon in the test namespace; throws with its stderr on failure. */
  ctr(args: readonly string[], opts?: RunOptions): Promise<ToolResult>
  /** Same, resolving whatever the exit code. */
  tryCtr(args: readonly string[], opts?: RunOptions): Promise<ToolResult>
  output(): string
  stop(): Promise<void>
}

function configToml(dir: string, address: string): string {
  return [
    'version = 2',
    `root = "${join(dir, 'root')}"`,
    `state = "${join(dir, 'state')}"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]',
    `  address = "${address}"`,
    '[ttrpc]',
    `  address = "${address}.ttrpc"`,
    '[debug]',
    '  address = ""',
    '  level = "info"',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = "${join(dir, 'opt')}"`,
    '',
  ].join('\n')
}

function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolveProbe) => {
    const sock = connect(path)
    sock.once('connect', () => {
      sock.destroy()
      resolveProbe(true)
    })
    sock.once('error', () => resolveProbe(false))
  })
}

export async function startContainerd(): Promise<RunningContainerd> {
  requireRoot('containerd')
  const containerd = requireTool('containerd')
  const ctrBin = requireTool('ctr')
  const dir = await mkdtemp(join(tmpdir(), 'ctd-'))
  await mkdir(join(dir, 'opt'))
  const address = join(dir, 'containerd.sock')
  const config = join(dir, 'config.toml')
  await writeFile(config, configToml(dir, address))
  const daemon = spawnDaemon(containerd, ['--config', config])

  const cleanup = async (): Promise<void> => {
    await daemon.stop(20_000)
    await unmountUnder(dir)
    await rm(dir, { recursive: true, force: true })
  }
  const base = ['--address', address, '--namespace', 'drydock-e2e']
  try {
    await waitReady('containerd', daemon, async () => {
      if (!(await socketAccepts(address))) return false
      return (await runTool(ctrBin, [...base, 'version'], { timeoutMs: 10_000 })).code === 0
    })
  } catch (err) {
    await cleanup()
    throw err
  }
  return {
    address,
    ctr: (args, opts = {}) => mustRun(ctrBin, [...base, ...args], opts),
    tryCtr: (args, opts = {}) => runTool(ctrBin, [...base, ...args], opts),
    output: daemon.output,
    stop: cleanup,
  }
}
