// Logins with real clients against a Drydock server with access control on: the CLI sets up
// users, an org, a team, robots and tokens through the management API; then skopeo (--creds and
// `skopeo login`), podman login and docker login push and pull, and the denials come back as
// clients show them. Finally the audit log (via the CLI) has the events, and neither it nor the
// server's debug log contains any secret used in the test.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { createContainersEnv, type ContainersEnv } from '../../src/testkit/podman-env.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { mustRun, requireTool, runTool, type ToolResult } from '../../src/testkit/run-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { startContainerd, type RunningContainerd } from '../../src/testkit/start-containerd.ts'
import { startDockerd, type RunningDockerd } from '../../src/testkit/start-dockerd.ts'
import { drydockCli, mustCli } from '../auth/run-drydock-cli.ts'
import { logsOnFailure } from './registry-under-test.ts'

requireTestdata()
const ADMIN = { user: 'root', password: 'e2e-admin-password-123' }
const ALICE = { user: 'alice', password: 'e2e-alice-password-456' }
const BUSYBOX = `oci:${join(IMAGES_DIR, 'busybox')}:1`

describe('logins with real clients (auth on)', { timeout: 900_000 }, () => {
  const skopeoBin = requireTool('skopeo')
  const podmanBin = requireTool('podman')
  let server: RunningDrydock
  let work: string
  let ctx: ContainersEnv
  let engine: RunningDockerd | undefined
  let containerd: RunningContainerd | undefined
  const secrets: string[] = [ADMIN.password, ALICE.password]
  const creds: Record<string, { user: string; secret: string }> = {}
  const as = (user: string, secret: string) => ({ DRYDOCK_REGISTRY: server.url, DRYDOCK_USERNAME: user, DRYDOCK_PASSWORD: secret })

  const skopeo = (args: readonly string[], input?: string): Promise<ToolResult> =>
    runTool(skopeoBin, ['--policy', join(work, 'policy.json'), ...args], {
      env: { CONTAINERS_REGISTRIES_CONF: join(work, 'registries.conf') }, timeoutMs: 180_000, ...(input === undefined ? {} : { input }),
    })
  const copy = (src: string, dst: string, extra: readonly string[] = [], authfile = join(work, 'auth-empty.json')) =>
    skopeo(['copy', '--retry-times', '0', '--authfile', authfile, '--src-tls-verify=false', '--dest-tls-verify=false', ...extra, src, dst])
  const podman = (args: readonly string[], input?: string) =>
    mustRun(podmanBin, [...ctx.storageFlags, ...args], { env: ctx.env, timeoutMs: 240_000, ...(input === undefined ? {} : { input }) })

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-e2e-auth-'))
    await writeFile(join(work, 'policy.json'), JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }))
    await writeFile(join(work, 'registries.conf'), 'unqualified-search-registries = []\n')
    await writeFile(join(work, 'auth-empty.json'), '{"auths":{}}')
    await writeFile(join(work, 'auth-login.json'), '{"auths":{}}')
    ctx = await createContainersEnv()
    server = await startDrydock({
      args: ['--log-level', 'debug'],
      env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password },
    })
  })
  afterEach((t) => logsOnFailure(t, { registry: server?.output, dockerd: engine?.output, containerd: containerd?.output }))
  after(async () => {
    await engine?.stop()
    await containerd?.stop()
    await server?.stop()
    await ctx?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  test('the CLI creates a user, an org, a team, robots and tokens', async () => {
    const root = as(ADMIN.user, ADMIN.password)
    await mustCli(['user', 'create', ALICE.user, '--new-password-stdin'], root, ALICE.password)
    await mustCli(['org', 'create', 'acme'], root)
    await mustCli(['team', 'create', 'acme', 'devs'], root)
    await mustCli(['team', 'add-member', 'acme', 'devs', ALICE.user], root)
    await mustCli(['team', 'grant', 'acme', 'devs', 'acme/*', 'write'], root)
    for (const [name, grant] of [['ci', 'acme/*=write'], ['deploy', 'acme/app=read']] as const) {
      const robot = JSON.parse(await mustCli(['robot', 'create', 'acme', name, '--grant', grant, '--expires', '30d', '--format', 'json'], root)) as { name: string; secret: string }
      creds[name] = { user: robot.name, secret: robot.secret }
      secrets.push(robot.secret)
    }
    const alice = as(ALICE.user, ALICE.password)
    const pat = JSON.parse(await mustCli(['token', 'create', '--actions', 'pull', '--targets', 'acme/app', '--expires', '1d', '--format', 'json'], alice)) as { token: string }
    creds['pat'] = { user: ALICE.user, secret: pat.token }
    const other = JSON.parse(await mustCli(['token', 'create', '--actions', 'pull,push', '--targets', 'alice/*', '--expires', '1d', '--format', 'json'], alice)) as { id: string; token: string }
    creds['otherRepoPat'] = { user: ALICE.user, secret: other.token }
    const revoked = JSON.parse(await mustCli(['token', 'create', '--actions', 'pull', '--targets', '*', '--expires', '1d', '--format', 'json'], alice)) as { id: string; token: string }
    await mustCli(['token', 'revoke', revoked.id], alice)
    creds['revoked'] = { user: ALICE.user, secret: revoked.token }
    const lp = (await mustCli(['login-password'], alice)).trim()
    creds['login'] = { user: ALICE.user, secret: lp }
    secrets.push(pat.token, other.token, revoked.token, lp)
    const noExpiry = await drydockCli(['token', 'create', '--actions', 'pull', '--targets', '*'], alice)
    assert.equal(noExpiry.code, 2, 'a token without expiry is a usage error')
  })

  test('skopeo --creds pushes as a team member; a read-only robot pulls but cannot push', async () => {
    const dst = `docker://${server.host}/acme/app:1`
    const push = await copy(BUSYBOX, dst, ['--dest-creds', `${ALICE.user}:${ALICE.password}`])
    assert.equal(push.code, 0, push.stderr)
    const deploy = creds['deploy']
    assert.ok(deploy)
    const pulled = await copy(dst, `oci:${join(work, 'pulled')}:1`, ['--src-creds', `${deploy.user}:${deploy.secret}`])
    assert.equal(pulled.code, 0, pulled.stderr)
    const denied = await copy(BUSYBOX, `docker://${server.host}/acme/app:2`, ['--dest-creds', `${deploy.user}:${deploy.secret}`])
    assert.notEqual(denied.code, 0)
    assert.match(denied.stderr, /denied/i)
  })

  test('skopeo login with a PAT, the login password; denials for bad, revoked and foreign credentials', async () => {
    const authfile = join(work, 'auth-login.json')
    const pat = creds['pat']
    assert.ok(pat)
    const login = await skopeo(['login', '--authfile', authfile, '--tls-verify=false', '--username', pat.user, '--password-stdin', server.host], pat.secret)
    assert.equal(login.code, 0, login.stderr)
    const pulled = await copy(`docker://${server.host}/acme/app:1`, `oci:${join(work, 'pat-pull')}:1`, [], authfile)
    assert.equal(pulled.code, 0, pulled.stderr)
    const lp = creds['login']
    assert.ok(lp)
    const viaLogin = await copy(`docker://${server.host}/acme/app:1`, `oci:${join(work, 'lp-pull')}:1`, ['--src-creds', `${lp.user}:${lp.secret}`])
    assert.equal(viaLogin.code, 0, viaLogin.stderr)

    const wrong = await skopeo(['login', '--authfile', authfile, '--tls-verify=false', '--username', ALICE.user, '--password-stdin', server.host], 'not-her-password')
    assert.notEqual(wrong.code, 0)
    assert.match(wrong.stderr, /unauthorized|invalid username\/password/i)
    for (const key of ['revoked', 'otherRepoPat'] as const) {
      const c = creds[key]
      assert.ok(c)
      const r = await copy(`docker://${server.host}/acme/app:1`, `oci:${join(work, `x-${key}`)}:1`, ['--src-creds', `${c.user}:${c.secret}`])
      assert.notEqual(r.code, 0, `${key} must not pull acme/app`)
      assert.match(r.stderr, key === 'revoked' ? /revoked|unauthorized/i : /denied/i)
    }
    const anonymous = await copy(`docker://${server.host}/acme/app:1`, `oci:${join(work, 'anon')}:1`)
    assert.notEqual(anonymous.code, 0)
    assert.match(anonymous.stderr, /unauthorized|authentication required/i)
  })

  test('podman login as a robot, push and pull', async () => {
    const ci = creds['ci']
    assert.ok(ci)
    await podman(['login', '--tls-verify=false', '--username', ci.user, '--password-stdin', server.host], ci.secret)
    const policy = ['--signature-policy', ctx.policyPath]
    const loaded = (await podman(['pull', ...policy, BUSYBOX])).stdout.trim().split('\n').at(-1) ?? ''
    const image = `${server.host}/acme/podman:1`
    await podman(['tag', loaded, image])
    await podman(['push', ...policy, '--tls-verify=false', image])
    await podman(['rmi', '--force', loaded])
    await podman(['pull', ...policy, '--tls-verify=false', image])
    await podman(['logout', server.host])
    const anon = await runTool(podmanBin, [...ctx.storageFlags, 'pull', ...policy, '--tls-verify=false', `${server.host}/acme/app:1`], { env: ctx.env, timeoutMs: 120_000 })
    assert.notEqual(anon.code, 0)
    assert.match(anon.stderr, /unauthorized|authentication required/i)
  })

  test('docker login with the short-lived password, push and pull; wrong password refused', { timeout: 600_000 }, async () => {
    engine = await startDockerd({ insecureRegistries: [server.host] })
    const lp = creds['login']
    assert.ok(lp)
    const bad = await engine.tryDocker(['login', '--username', ALICE.user, '--password-stdin', server.host], { input: 'wrong-password-here' })
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /unauthorized|invalid username or password/i)
    const ok = await engine.docker(['login', '--username', lp.user, '--password-stdin', server.host], { input: lp.secret })
    assert.match(ok.stdout + ok.stderr, /Login Succeeded/)
    const archive = join(work, 'busybox.tar')
    const image = `${server.host}/acme/docker:1`
    const c = await copy(BUSYBOX, `docker-archive:${archive}:${image}`)
    assert.equal(c.code, 0, c.stderr)
    await engine.docker(['load', '-i', archive])
    const push = await engine.docker(['push', image])
    assert.match(push.stdout, /digest: sha256:[a-f0-9]{64}/)
    // docker login asks for offline access (OAuth2, client_id "docker") and the daemon then gets
    // its registry tokens with the refresh token instead of the password.
    const audit = (await mustCli(['audit', '--format', 'jsonl', '--action', 'login.success'], as(ADMIN.user, ADMIN.password))).trim().split('\n')
    const refreshed = audit.map((l) => JSON.parse(l) as { actor: string; detail?: Record<string, unknown> })
      .filter((e) => e.actor === lp.user && e.detail?.['via'] === 'refresh' && e.detail['clientId'] === 'docker')
    assert.ok(refreshed.length > 0, `docker did not use a refresh token:\n${audit.join('\n')}`)
    await engine.docker(['image', 'rm', '--force', image])
    await engine.docker(['pull', image])
    await engine.docker(['logout', server.host])
    const anon = await engine.tryDocker(['pull', `${server.host}/acme/app:1`])
    assert.notEqual(anon.code, 0)
    // docker renders a 401 on pull as "pull access denied … may require 'docker login'".
    assert.match(anon.stderr, /may require 'docker login'|unauthorized|authentication required/i)
  })

  test('containerd (ctr --user, OAuth2 password grant) pushes as a user and pulls as a robot', { timeout: 300_000 }, async () => {
    containerd = await startContainerd()
    const archive = join(work, 'busybox-oci.tar')
    const c = await copy(BUSYBOX, `oci-archive:${archive}:1`)
    assert.equal(c.code, 0, c.stderr)
    const image = `${server.host}/acme/ctr:1`
    await containerd.ctr(['images', 'import', '--base-name', `${server.host}/acme/ctr`, archive])
    await containerd.ctr(['images', 'push', '--plain-http', '--user', `${ALICE.user}:${ALICE.password}`, image], { timeoutMs: 240_000 })
    assert.match(server.output(), /"method":"POST","url":"\/token"/, 'containerd used the OAuth2 POST form')
    await containerd.ctr(['images', 'rm', '--sync', image])
    const ci = creds['ci']
    assert.ok(ci)
    await containerd.ctr(['images', 'pull', '--plain-http', '--user', `${ci.user}:${ci.secret}`, image], { timeoutMs: 240_000 })
    await containerd.ctr(['images', 'rm', '--sync', image])
    const anon = await containerd.tryCtr(['images', 'pull', '--plain-http', image])
    assert.notEqual(anon.code, 0)
    assert.match(anon.stderr, /401|unauthorized|authorization/i)
  })

  test('the audit log has the events, and neither it nor the server debug log holds a secret', async () => {
    const lines = (await mustCli(['audit', '--format', 'jsonl'], as(ADMIN.user, ADMIN.password))).trim().split('\n')
    const events = lines.map((l) => JSON.parse(l) as { actor: string; action: string; repository?: string; detail?: Record<string, unknown> })
    const has = (actor: string, action: string, repository?: string) =>
      events.some((e) => e.actor === actor && e.action === action && (repository === undefined || e.repository === repository))
    assert.ok(has('alice', 'login.success'))
    assert.ok(has('alice', 'login.failure'))
    assert.ok(has('alice', 'repo.push', 'acme/app'))
    assert.ok(has('alice', 'repo.push', 'acme/docker'))
    assert.ok(has('robot$acme+deploy', 'repo.pull', 'acme/app'))
    assert.ok(has('robot$acme+ci', 'repo.push', 'acme/podman'))
    assert.ok(has('alice', 'repo.push', 'acme/ctr'))
    assert.ok(has('alice', 'token.create'))
    assert.ok(has('alice', 'token.revoke'))
    assert.ok(has('root', 'permission.change'))
    const dump = lines.join('\n')
    const log = server.output()
    assert.ok(log.length > 1000, 'the server wrote its debug log')
    for (const s of secrets) {
      assert.ok(!dump.includes(s), 'a secret is in the audit log')
      assert.ok(!log.includes(s), 'a secret is in the server log')
      assert.ok(!log.includes(Buffer.from(s).toString('base64')), 'a base64 secret is in the server log')
    }
    for (const c of [...Object.values(creds), { user: ADMIN.user, secret: ADMIN.password }, { user: ALICE.user, secret: ALICE.password }]) {
      assert.ok(!log.includes(Buffer.from(`${c.user}:${c.secret}`).toString('base64')), 'a Basic header is in the server log')
    }
  })
})
