// Errors that tell the truth, against a private Drydock: refused or missing credentials exit 4
// from every registry-facing command (never 1 "a gate failed", 2 or 3), with the source of the
// credentials named and no secret printed; a server-side scan that FAILED is the registry's
// failure (3), not a bug (70); DRYDOCK_PASSWORD is never taken as the signing key's password;
// the management commands print tables unless asked for JSON.
// The server counts failed logins per address (5 before it backs off): this file stays under.
import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { requireTestdata } from '../../src/testkit/repo-paths.ts'
import { ADMIN, cli, createAccessToken, everyRegistryCommand, isolatedHome, KEY_PASSWORD, show, startPrivateDrydock, type PrivateDrydock } from './cli-auth-fixture.ts'

requireTestdata()

const WRONG = 'wrong-password-for-the-test'

describe('refusals and exit codes (private Drydock without an advisory DB)', { timeout: 900_000 }, () => {
  let d: PrivateDrydock
  let admin: Record<string, string | undefined>

  before(async () => {
    d = await startPrivateDrydock()
    admin = { ...(await isolatedHome(d.work, 'admin')).env, DRYDOCK_REGISTRY: d.server.url, DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_PASSWORD: ADMIN.password }
  })
  after(() => d?.close())

  test('no credentials anywhere: every registry-facing command exits 4', async () => {
    const { env } = await isolatedHome(d.work, 'none')
    for (const [command, r] of Object.entries(await everyRegistryCommand(d, env))) {
      assert.equal(r.code, 4, `${command}: ${show(r)}`)
      assert.doesNotMatch(r.stderr, /internal error/)
    }
    // DRYDOCK_* set, but for no named registry: not sent to an image's host, and the refusal says why.
    for (const command of [['scan', d.image, '--scanners', 'secret'], ['verify', d.image, '--key', d.keys.pub]]) {
      const r = await cli(command, { ...env, DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_PASSWORD: ADMIN.password })
      assert.equal(r.code, 4, show(r))
      assert.match(r.stderr, new RegExp(`set DRYDOCK_REGISTRY=https://${d.server.host.replace(/\./g, '\\.')}`))
    }
  })

  test('a server-side scan without an advisory DB is the registry\'s failure: exit 3 (not 70), with the reason', async () => {
    // A personal access token alone (Bearer), the one credential --from-registry always took.
    const { env } = await isolatedHome(d.work, 'failed-scan')
    const r = await cli(['scan', 'root/app:1', '--from-registry', d.server.url, '--scanners', 'vuln'], { ...env, DRYDOCK_TOKEN: await createAccessToken(d, ['pull']) })
    assert.equal(r.code, 3, show(r))
    assert.match(r.stderr, /no advisory database/)
  })

  test('DRYDOCK_PASSWORD is the registry password, never the key password; COSIGN_PASSWORD is accepted', async () => {
    const noKeyPassword = { ...admin, DRYDOCK_KEY_PASSWORD: undefined }
    const r = await cli(['sign', d.image, '--key', d.keys.key], noKeyPassword)
    assert.equal(r.code, 2, show(r))
    assert.match(r.stderr, /DRYDOCK_PASSWORD is the registry password.*DRYDOCK_KEY_PASSWORD/)
    const cosign = await cli(['sign', d.image, '--key', d.keys.key], { ...noKeyPassword, COSIGN_PASSWORD: KEY_PASSWORD })
    assert.equal(cosign.code, 0, show(cosign))
  })

  test('the --insecure a refusal suggests exists, on scan and sbom', async () => {
    const { env } = await isolatedHome(d.work, 'insecure')
    // `.invalid` never resolves (RFC 2606): https fails to connect, and plain http is not tried for a non-loopback host.
    const r = await cli(['scan', 'registry.invalid/team/app:1', '--scanners', 'secret'], env)
    assert.equal(r.code, 3, show(r))
    assert.match(r.stderr, /plain http is used only for loopback hosts or with --insecure/)
    for (const command of ['scan', 'sbom']) {
      const insecure = await cli([command, 'registry.invalid/team/app:1', '--insecure', ...(command === 'scan' ? ['--scanners', 'secret'] : [])], env)
      assert.equal(insecure.code, 3, `${command} --insecure is an option (then http is tried too, and fails to connect): ${show(insecure)}`)
      assert.match(insecure.stderr, /cannot reach http:\/\/registry\.invalid/)
    }
  })

  test('management commands print a table by default and JSON with --format json', async () => {
    const table = async (args: readonly string[], header: RegExp, row: RegExp): Promise<void> => {
      const r = await cli(args, admin)
      assert.equal(r.code, 0, `${args.join(' ')}: ${show(r)}`)
      assert.match(r.stdout, header, `${args.join(' ')}: header`)
      assert.match(r.stdout, row, `${args.join(' ')}: row`)
      assert.throws(() => JSON.parse(r.stdout), `${args.join(' ')} is not JSON by default`)
    }
    await table(['user', 'list'], /^NAME +ADMIN +CREATED_AT$/m, /^root +true +\d{4}-/m)
    await table(['org', 'create', 'acme'], /^FIELD +VALUE$/m, /^name +acme$/m)
    await table(['org', 'list'], /^ORGS$/m, /^acme$/m)
    await table(['team', 'create', 'acme', 'devs'], /^FIELD +VALUE$/m, /^name +devs$/m)
    assert.equal((await cli(['team', 'grant', 'acme', 'devs', 'acme/*', 'write'], admin)).code, 0)
    await table(['team', 'show', 'acme', 'devs'], /^TARGET +ROLE$/m, /^acme\/\* +write$/m)
    await table(['robot', 'create', 'acme', 'ci', '--grant', 'acme/*=read', '--expires', '30d'], /^FIELD +VALUE$/m, /^secret +ddr_/m)
    await table(['robot', 'list', 'acme'], /^NAME +GRANTS +CREATED_AT +EXPIRES_AT$/m, /^robot\$acme\+ci +/m)
    await table(['token', 'create', '--actions', 'pull', '--targets', '*', '--expires', '1d'], /^FIELD +VALUE$/m, /^token +ddp_/m)
    await table(['token', 'list'], /^ID +KIND +DESCRIPTION +ACTIONS/m, /^[a-z2-9]{12} +pat +/m)
    await table(['audit', '--action', 'org.create'], /^(?=.*\bACTOR\b)(?=.*\bACTION\b).*$/m, /org\.create/)
    const json = await cli(['user', 'list', '--format', 'json'], admin)
    assert.equal(json.code, 0, show(json))
    assert.ok((JSON.parse(json.stdout) as { users: Array<{ name: string }> }).users.some((u) => u.name === 'root'))
    const bad = await cli(['user', 'list', '--format', 'yaml'], admin)
    assert.equal(bad.code, 2, show(bad))
  })

  // Last: the failed logins below count towards the server's per-address backoff.
  test('a wrong password exits 4, names where it came from, and is never printed', async () => {
    const { env } = await isolatedHome(d.work, 'wrong')
    const wrong = { ...env, DRYDOCK_REGISTRY: d.server.url, DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_PASSWORD: WRONG }
    const runs = {
      scan: await cli(['scan', d.image, '--scanners', 'secret'], wrong),
      'scan --from-registry': await cli(['scan', 'root/app:1', '--from-registry', d.server.url, '--scanners', 'secret'], wrong),
      sign: await cli(['sign', d.image, '--key', d.keys.key], wrong),
      'user list': await cli(['user', 'list', '--registry', d.server.url], wrong),
    }
    for (const [command, r] of Object.entries(runs)) {
      assert.equal(r.code, 4, `${command}: ${show(r)}`)
      assert.match(r.stderr, /DRYDOCK_PASSWORD/, `${command} says which credentials were refused`)
      assert.ok(!(r.stdout + r.stderr).includes(WRONG), `${command} never prints the password`)
    }
  })

  test('drydock login with a wrong password exits 4 and stores nothing', async () => {
    const { home, env } = await isolatedHome(d.work, 'bad-login')
    const r = await cli(['login', d.server.host, '--username', ADMIN.user, '--password-stdin'], env, WRONG)
    assert.equal(r.code, 4, show(r))
    assert.ok(!(r.stdout + r.stderr).includes(WRONG))
    await assert.rejects(stat(join(home, '.config', 'drydock', 'credentials.json')))
  })
})
