// Every registry-facing command (scan of a registry image, scan --from-registry, sbom, sign,
// verify, attest, verify-attestation, the management commands) against a private Drydock, with
// each credential source of README "Credentials": flags, DRYDOCK_* environment (password and
// access token), `drydock login` (Drydock's 0600 file, or docker's credential helper when
// docker's config names one), docker's config.json (`auth` and `identitytoken`), and podman's
// auth.json written by a real `skopeo login`.
import assert from 'node:assert/strict'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { NODE_BIN, REPO_ROOT, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { startPty } from '../auth/pty-session.ts'
import { buildVulndbFixture, type VulndbFixture } from '../../src/scanner/vuln/db/vulndb-fixture.ts'
import type { CliResult } from '../../src/testkit/run-drydock.ts'
import { ADMIN, cli, createAccessToken, everyRegistryCommand, isolatedHome, show, startPrivateDrydock, writeCredentialHelper, type PrivateDrydock } from './cli-auth-fixture.ts'

requireTestdata()

const b64 = (s: string): string => Buffer.from(s).toString('base64')

function assertAllSucceeded(results: Record<string, CliResult>, source: string, except: readonly string[] = []): void {
  for (const [command, r] of Object.entries(results)) {
    if (except.includes(command)) continue
    assert.equal(r.code, 0, `${command} with credentials from ${source}: ${show(r)}`)
    assert.ok(!(r.stdout + r.stderr).includes(ADMIN.password), `${command} never prints the password`)
  }
}

describe('credentials from every source, for every registry-facing command', { timeout: 1_200_000 }, () => {
  let d: PrivateDrydock
  let vulndb: VulndbFixture

  before(async () => {
    vulndb = await buildVulndbFixture()
    d = await startPrivateDrydock({ advisoryDb: vulndb.path })
  })
  after(async () => {
    await d?.close()
    vulndb?.close()
  })

  test('flags: --username with --password-stdin', async () => {
    const { env } = await isolatedHome(d.work, 'flags')
    assertAllSucceeded(await everyRegistryCommand(d, env, ['--username', ADMIN.user, '--password-stdin'], `${ADMIN.password}\n`), 'flags')
  })

  test('environment: DRYDOCK_USERNAME with DRYDOCK_PASSWORD', async () => {
    const { env } = await isolatedHome(d.work, 'env')
    assertAllSucceeded(await everyRegistryCommand(d, { ...env, DRYDOCK_REGISTRY: d.server.url, DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_PASSWORD: ADMIN.password }), 'DRYDOCK_PASSWORD')
  })

  test('environment: DRYDOCK_USERNAME with DRYDOCK_TOKEN (a personal access token)', async () => {
    const { env } = await isolatedHome(d.work, 'token')
    const token = await createAccessToken(d, ['pull', 'push', 'admin'])
    const results = await everyRegistryCommand(d, { ...env, DRYDOCK_REGISTRY: d.server.url, DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_TOKEN: token })
    assertAllSucceeded(results, 'DRYDOCK_TOKEN')
    for (const r of Object.values(results)) assert.ok(!(r.stdout + r.stderr).includes(token))
  })

  test('drydock login: checked, stored 0600 in a 0700 dir, used by every command, gone after logout', async () => {
    const { home, env } = await isolatedHome(d.work, 'login')
    const login = await cli(['login', d.server.host, '--username', ADMIN.user, '--password-stdin'], env, `${ADMIN.password}\n`)
    assert.equal(login.code, 0, show(login))
    const dir = join(home, '.config', 'drydock')
    assert.equal((await stat(dir)).mode & 0o777, 0o700)
    assert.equal((await stat(join(dir, 'credentials.json'))).mode & 0o777, 0o600)
    assertAllSucceeded(await everyRegistryCommand(d, env), 'drydock login')
    const logout = await cli(['logout', d.server.host], env)
    assert.equal(logout.code, 0, show(logout))
    const none = await cli(['user', 'list', '--registry', d.server.url], env)
    assert.equal(none.code, 4, `after logout there are no credentials: ${show(none)}`)
    // XDG_CONFIG_HOME moves the store.
    const xdg = { ...env, XDG_CONFIG_HOME: join(home, 'xdg') }
    assert.equal((await cli(['login', d.server.url, '--username', ADMIN.user, '--password-stdin'], xdg, ADMIN.password)).code, 0)
    assert.equal((await stat(join(home, 'xdg', 'drydock', 'credentials.json'))).mode & 0o777, 0o600)
  })

  test('drydock login prompts on a terminal, echoes nothing, and stores what was typed', async () => {
    const { home, env } = await isolatedHome(d.work, 'login-tty')
    const ttyEnv = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), DOCKER_CONFIG: join(home, '.docker') }
    const pty = startPty([NODE_BIN, join(REPO_ROOT, 'src/cli/main.ts'), 'login', d.server.host, '--username', ADMIN.user], ttyEnv)
    await pty.waitFor('Password: ')
    pty.type(`${ADMIN.password}\r`)
    assert.equal(await pty.exited, 0, pty.output())
    assert.match(pty.output(), /Login succeeded/)
    assert.ok(!pty.output().includes(ADMIN.password), 'the typed password is not echoed')
    const r = await cli(['user', 'list', '--registry', d.server.url], env)
    assert.equal(r.code, 0, show(r))
  })

  test('drydock login through the credential helper docker\'s config names (credsStore)', async () => {
    const { home, env } = await isolatedHome(d.work, 'helper')
    const bin = join(home, 'bin')
    await mkdir(join(home, '.docker'), { recursive: true })
    await mkdir(bin)
    const helper = await writeCredentialHelper(bin, 'drydocktest')
    await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ auths: {}, credsStore: 'drydocktest' }))
    const withHelper = { ...env, PATH: `${bin}:${process.env['PATH'] ?? ''}` }
    const login = await cli(['login', d.server.host, '--username', ADMIN.user, '--password-stdin'], withHelper, ADMIN.password)
    assert.equal(login.code, 0, show(login))
    assert.match(await readFile(helper.log, 'utf8'), new RegExp(`^store ${d.server.host.replace(/\./g, '\\.')}$`, 'm'))
    await assert.rejects(stat(join(home, '.config', 'drydock', 'credentials.json')), 'nothing in the file store when a helper is configured')
    assertAllSucceeded(await everyRegistryCommand(d, withHelper), 'docker-credential-drydocktest')
    assert.match(await readFile(helper.log, 'utf8'), /^get /m)
    assert.equal((await cli(['logout', d.server.host], withHelper)).code, 0)
    assert.deepEqual(JSON.parse(await readFile(helper.store, 'utf8')), {}, 'logout erased it from the helper')
  })

  test('docker config.json: auths[host].auth', async () => {
    const { home, env } = await isolatedHome(d.work, 'docker-auth')
    await mkdir(join(home, '.docker'))
    await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [`http://${d.server.host}`]: { auth: b64(`${ADMIN.user}:${ADMIN.password}`) } } }))
    assertAllSucceeded(await everyRegistryCommand(d, env), 'docker config auth')
  })

  test('docker config.json: the identitytoken docker login stores (a refresh token), via DOCKER_CONFIG', async () => {
    const { home, env } = await isolatedHome(d.work, 'docker-identity')
    // What `docker login` asks Drydock for: offline access for client_id docker.
    const res = await fetch(`${d.server.url}/token?service=drydock&offline_token=true&client_id=docker`, { headers: { authorization: `Basic ${b64(`${ADMIN.user}:${ADMIN.password}`)}` } })
    assert.equal(res.status, 200)
    const refresh = ((await res.json()) as { refresh_token: string }).refresh_token
    assert.match(refresh, /^ddf_/)
    const dockerDir = join(home, 'docker-config-dir')
    await mkdir(dockerDir)
    await writeFile(join(dockerDir, 'config.json'), JSON.stringify({ auths: { [d.server.host]: { auth: b64(`${ADMIN.user}:`), identitytoken: refresh } } }))
    const results = await everyRegistryCommand(d, { ...env, DOCKER_CONFIG: dockerDir })
    // The management and findings API (/api/v1) take no refresh token: a clear refusal, exit 4.
    assertAllSucceeded(results, 'docker identitytoken', ['scan --from-registry', 'user list'])
    for (const command of ['scan --from-registry', 'user list']) {
      const r = results[command] as CliResult
      assert.equal(r.code, 4, `${command}: ${show(r)}`)
      assert.match(r.stderr, /identity token/)
      assert.ok(!r.stderr.includes(refresh))
    }
  })

  test('podman auth.json written by a real skopeo login (XDG_RUNTIME_DIR and REGISTRY_AUTH_FILE)', async () => {
    const { home, env } = await isolatedHome(d.work, 'podman')
    const runtime = join(home, 'run')
    await mkdir(join(runtime, 'containers'), { recursive: true })
    const authfile = join(runtime, 'containers', 'auth.json')
    await d.skopeo.run(['login', '--tls-verify=false', '--authfile', authfile, '--username', ADMIN.user, '--password', ADMIN.password, d.server.host])
    assert.match(await readFile(authfile, 'utf8'), new RegExp(d.server.host.replace(/\./g, '\\.')))
    assertAllSucceeded(await everyRegistryCommand(d, { ...env, XDG_RUNTIME_DIR: runtime }), 'podman auth.json')
    const r = await cli(['user', 'list', '--registry', d.server.url], { ...env, REGISTRY_AUTH_FILE: authfile })
    assert.equal(r.code, 0, show(r))
  })

  test('DRYDOCK_* credentials never go to another registry; docker\'s config serves the others', async () => {
    const { home, env } = await isolatedHome(d.work, 'order')
    await mkdir(join(home, '.docker'))
    await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [d.server.host]: { auth: b64(`${ADMIN.user}:${ADMIN.password}`) } } }))
    // The environment comes before docker's config; DRYDOCK_REGISTRY naming another host keeps it away from this one.
    const elsewhere = { ...env, DRYDOCK_REGISTRY: 'https://registry.invalid', DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_PASSWORD: 'not-the-password-at-all' }
    const r = await cli(['scan', d.image, '--scanners', 'secret', '--format', 'json'], elsewhere)
    assert.equal(r.code, 0, `DRYDOCK_* credentials are only for DRYDOCK_REGISTRY's host: ${show(r)}`)
    // Without DRYDOCK_REGISTRY they go only to a registry named by URL, never to an image's host.
    const unscoped = { ...env, DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_PASSWORD: 'not-the-password-at-all' }
    const scan = await cli(['scan', d.image, '--scanners', 'secret', '--format', 'json'], unscoped)
    assert.equal(scan.code, 0, `an image's host gets no DRYDOCK_* credentials without DRYDOCK_REGISTRY: ${show(scan)}`)
  })
})
