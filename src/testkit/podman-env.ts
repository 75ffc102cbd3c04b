/**
 * A private environment for podman and buildah (containers/storage + containers/image): every
 * config file they read is written to a temp dir and pointed at by environment variables, so a
 * test never touches /etc/containers, /var/lib/containers or /run/containers, and two tests can
 * run side by side.
 *
 * - containers.conf: the ulimits podman needs here, cgroupfs and file events (no systemd in CI),
 *   a private tmp_dir (podman's lock and alive files would otherwise be shared in /run/libpod).
 * - storage.conf: overlay driver with graphroot/runroot inside the temp dir.
 * - registries.conf: no search registries (fully qualified names only), no mirrors.
 * - policy.json: accept anything (signatures are tested elsewhere); passed as --signature-policy.
 * - auth.json: empty, so host credentials are never read.
 *
 * `dispose()` unmounts whatever the tools left mounted and removes the dir.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unmountUnder } from './unmount-under.ts'

export interface ContainersEnv {
  readonly dir: string
  /** Environment for podman/buildah (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF, …). */
  readonly env: Readonly<Record<string, string>>
  /** Global flags both tools accept: --root, --runroot, --storage-driver. */
  readonly storageFlags: readonly string[]
  /** Trust policy file, for `--signature-policy`. */
  readonly policyPath: string
  dispose(): Promise<void>
}

export async function createContainersEnv(): Promise<ContainersEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-containers-'))
  const root = join(dir, 'root')
  const runroot = join(dir, 'runroot')
  const tmp = join(dir, 'tmp')
  for (const d of [root, runroot, tmp]) await mkdir(d, { recursive: true })

  const files = {
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
    REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
  }
  await writeFile(
    files.CONTAINERS_CONF,
    [
      '[containers]',
      'default_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]',
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `tmp_dir = "${tmp}"`,
      '',
    ].join('\n'),
  )
  await writeFile(
    files.CONTAINERS_STORAGE_CONF,
    ['[storage]', 'driver = "overlay"', `graphroot = "${root}"`, `runroot = "${runroot}"`, ''].join('\n'),
  )
  await writeFile(files.CONTAINERS_REGISTRIES_CONF, 'unqualified-search-registries = []\n')
  await writeFile(files.REGISTRY_AUTH_FILE, '{"auths":{}}')
  const policyPath = join(dir, 'policy.json')
  await writeFile(policyPath, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }))

  return {
    dir,
    env: files,
    storageFlags: ['--root', root, '--runroot', runroot, '--storage-driver', 'overlay'],
    policyPath,
    dispose: async () => {
      await unmountUnder(dir)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
