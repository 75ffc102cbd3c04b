/**
 * What the credential tests share: a private Drydock (auth on, a bootstrap admin, an image
 * pushed with skopeo), a key pair, and runs of the real `drydock` CLI in an isolated home: no
 * DRYDOCK_* variable, docker config, podman auth file or XDG dir of the machine leaks in, so
 * each test's credentials come only from the source it sets up.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IMAGES_DIR, NODE_BIN } from '../../src/testkit/repo-paths.ts'
import { runDrydock, withoutDrydockEnv, type CliResult } from '../../src/testkit/run-drydock.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'

export const ADMIN = { user: 'root', password: 'cli-auth-admin-password-1' }
export const KEY_PASSWORD = 'key password, not a registry password'
export const IMAGE_REPO = 'root/app'

export interface PrivateDrydock {
  readonly server: RunningDrydock
  readonly work: string
  readonly skopeo: Skopeo
  /** `HOST/root/app:1` */
  readonly image: string
  readonly keys: { readonly key: string; readonly pub: string }
  readonly predicate: string
  close(): Promise<void>
}

export function show(r: CliResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 3000)}\n--- stderr\n${r.stderr.slice(0, 3000)}`
}

/** A home of its own: the isolated environment for one credential source. */
export async function isolatedHome(work: string, name: string): Promise<{ home: string; env: Record<string, string | undefined> }> {
  const home = join(work, `home-${name}`)
  await mkdir(home, { recursive: true })
  return {
    home,
    env: {
      ...withoutDrydockEnv(),
      HOME: home,
      DOCKER_CONFIG: undefined,
      XDG_CONFIG_HOME: undefined,
      XDG_RUNTIME_DIR: undefined,
      REGISTRY_AUTH_FILE: undefined,
      COSIGN_PASSWORD: undefined,
      DRYDOCK_KEY_PASSWORD: KEY_PASSWORD,
      DRYDOCK_CACHE_DIR: join(home, 'cache'),
      DRYDOCK_NO_COMPILE_CACHE: '1',
      CI: 'true',
      NO_COLOR: '1',
    },
  }
}

export function cli(args: readonly string[], env: Readonly<Record<string, string | undefined>>, input = ''): Promise<CliResult> {
  return runDrydock(args, { env, input, timeoutMs: 300_000 })
}

export async function startPrivateDrydock(opts: { advisoryDb?: string } = {}): Promise<PrivateDrydock> {
  const work = await mkdtemp(join(tmpdir(), 'drydock-cli-auth-'))
  const config = join(work, 'drydock.json')
  await writeFile(config, JSON.stringify({ scanning: { scanOnPush: true, ...(opts.advisoryDb ? { advisoryDb: opts.advisoryDb } : {}) } }))
  const server = await startDrydock({ args: ['--config', config, '--auth', 'on'], env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password } })
  const skopeo = await createSkopeo()
  const image = `${server.host}/${IMAGE_REPO}:1`
  await skopeo.run(['copy', '--retry-times', '0', '--dest-tls-verify=false', '--dest-creds', `${ADMIN.user}:${ADMIN.password}`, `oci:${join(IMAGES_DIR, 'busybox')}:1`, `docker://${image}`])
  const { env } = await isolatedHome(work, 'keys')
  const prefix = join(work, 'cosign')
  const gen = await cli(['key', 'generate', '--output-key-prefix', prefix], env)
  if (gen.code !== 0) throw new Error(`key generate: ${show(gen)}`)
  const predicate = join(work, 'predicate.json')
  await writeFile(predicate, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }))
  return {
    server, work, skopeo, image, predicate, keys: { key: `${prefix}.key`, pub: `${prefix}.pub` },
    close: async () => {
      await server.stop()
      await skopeo.dispose()
      await rm(work, { recursive: true, force: true })
    },
  }
}

/** A personal access token of the admin, made through the management API (not the CLI under test). */
export async function createAccessToken(d: PrivateDrydock, actions: readonly string[]): Promise<string> {
  const res = await fetch(`${d.server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ actions, targets: ['*'], expiresIn: 86_400, description: 'cli-auth test' }),
  })
  if (res.status !== 201) throw new Error(`token create: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}

/**
 * A docker credential helper `docker-credential-NAME` (a small Node script) in `dir`, keeping
 * its secrets in `dir/helper-store.json` and logging each action (never a secret) to
 * `dir/helper.log`: what a keychain helper does, without a keychain.
 */
export async function writeCredentialHelper(dir: string, name: string): Promise<{ store: string; log: string }> {
  const store = join(dir, 'helper-store.json')
  const log = join(dir, 'helper.log')
  const script = join(dir, `docker-credential-${name}`)
  await writeFile(script, `#!${NODE_BIN}
const fs = require('node:fs')
const action = process.argv[2]
const input = fs.readFileSync(0, 'utf8').trim()
const store = fs.existsSync(${JSON.stringify(store)}) ? JSON.parse(fs.readFileSync(${JSON.stringify(store)}, 'utf8')) : {}
fs.appendFileSync(${JSON.stringify(log)}, action + ' ' + (action === 'store' ? JSON.parse(input).ServerURL : input) + '\\n')
if (action === 'get') {
  if (!store[input]) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1) }
  process.stdout.write(JSON.stringify({ ServerURL: input, ...store[input] }))
} else if (action === 'store') {
  const rec = JSON.parse(input)
  store[rec.ServerURL] = { Username: rec.Username, Secret: rec.Secret }
  fs.writeFileSync(${JSON.stringify(store)}, JSON.stringify(store), { mode: 0o600 })
} else if (action === 'erase') {
  if (!store[input]) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1) }
  delete store[input]
  fs.writeFileSync(${JSON.stringify(store)}, JSON.stringify(store), { mode: 0o600 })
} else process.exit(2)
`)
  await chmod(script, 0o755)
  return { store, log }
}

/** Every command of the CLI that talks to a registry, each run once with `env` (and `input` on stdin). */
export async function everyRegistryCommand(d: PrivateDrydock, env: Readonly<Record<string, string | undefined>>, extraArgs: readonly string[] = [], input = ''): Promise<Record<string, CliResult>> {
  const run = (args: readonly string[]) => cli([...args, ...extraArgs], env, input)
  const results: Record<string, CliResult> = {}
  results['scan'] = await run(['scan', d.image, '--scanners', 'secret,misconfig', '--format', 'json'])
  results['scan --from-registry'] = await run(['scan', `${IMAGE_REPO}:1`, '--from-registry', d.server.url, '--scanners', 'vuln', '--format', 'json'])
  results['sbom'] = await run(['sbom', d.image, '--format', 'json'])
  results['sign'] = await run(['sign', d.image, '--key', d.keys.key])
  results['verify'] = await run(['verify', d.image, '--key', d.keys.pub])
  results['attest'] = await run(['attest', d.image, '--key', d.keys.key, '--type', 'cyclonedx', '--predicate', d.predicate])
  results['verify-attestation'] = await run(['verify-attestation', d.image, '--key', d.keys.pub, '--type', 'cyclonedx'])
  results['user list'] = await run(['user', 'list', '--registry', d.server.url])
  return results
}
