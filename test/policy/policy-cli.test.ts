// `drydock policy …` as a user runs it: the real CLI in a child process against a registry
// with access control on (policies-fixture.ts), credentials from DRYDOCK_USERNAME/PASSWORD in
// an isolated home. Exit codes per src/cli/exit-codes.ts; refusals are one line naming the field.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runDrydock, withoutDrydockEnv, type CliResult } from '../../src/testkit/run-drydock.ts'
import { password, startPolicyRegistry, type PolicyRegistry } from './policies-fixture.ts'

const show = (r: CliResult): string => `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 2000)}\n--- stderr\n${r.stderr.slice(0, 2000)}`

describe('drydock policy', { timeout: 300_000 }, () => {
  let r: PolicyRegistry
  let work: string
  before(async () => {
    r = await startPolicyRegistry()
    work = await mkdtemp(join(tmpdir(), 'drydock-policy-cli-'))
  })
  after(async () => {
    await r?.close()
    if (work) await rm(work, { recursive: true, force: true })
  })

  const drydock = (user: string, ...args: string[]) => runDrydock(['policy', ...args], {
    env: { ...withoutDrydockEnv(), HOME: work, DOCKER_CONFIG: undefined, REGISTRY_AUTH_FILE: undefined, XDG_RUNTIME_DIR: undefined, XDG_CONFIG_HOME: undefined, DRYDOCK_REGISTRY: r.url, DRYDOCK_USERNAME: user, DRYDOCK_PASSWORD: password(user) },
  })
  const file = async (name: string, doc: unknown): Promise<string> => {
    const path = join(work, name)
    await writeFile(path, typeof doc === 'string' ? doc : JSON.stringify(doc))
    return path
  }

  it('--help lists every subcommand; check is routed to its own command', async () => {
    const help = await drydock('root', '--help')
    assert.equal(help.code, 0, show(help))
    for (const sub of ['list', 'get NAME', 'set FILE', 'delete NAME', 'exempt IMAGE', 'exemptions REPOSITORY', 'revoke REPOSITORY ID', 'check IMAGE']) assert.ok(help.stdout.includes(`drydock policy ${sub}`), sub)
    const check = await drydock('root', 'check', '--help')
    assert.equal(check.code, 0, show(check))
    assert.match(check.stdout, /drydock policy check IMAGE/)
  })

  it('set refuses an invalid policy with one line naming the field (exit 2); stores a valid one', async () => {
    const bad = await drydock('root', 'set', await file('bad.json', { name: 'prod', scope: 'acme', require: { noSecret: true } }))
    assert.equal(bad.code, 2, show(bad))
    assert.match(bad.stderr, /require\.noSecret: unknown field/)
    assert.equal(bad.stderr.trim().split('\n').length, 1, show(bad))
    const dup = await drydock('root', 'set', await file('dup.json', '{"name":"prod","scope":"acme","scope":"*","require":{}}'))
    assert.equal(dup.code, 2, show(dup))
    assert.match(dup.stderr, /duplicate/i)
    const ok = await drydock('root', 'set', await file('prod.json', { name: 'prod', scope: 'acme', mode: 'audit', require: { signed: true } }))
    assert.equal(ok.code, 0, show(ok))
    assert.match(ok.stdout, /"signed": true/)
    const list = await drydock('orgadmin', 'list')
    assert.equal(list.code, 0, show(list))
    assert.match(list.stdout, /prod\s+acme\s+audit\s+stored/)
    const get = await drydock('orgadmin', 'get', 'prod', '--format', 'json')
    assert.equal(JSON.parse(get.stdout).policy.require.signed, true, show(get))
  })

  it('someone without admin on the namespace is refused with exit 4', async () => {
    const denied = await drydock('writer', 'set', await file('mine.json', { name: 'prod', scope: 'acme', require: {} }))
    assert.equal(denied.code, 4, show(denied))
    const exempt = await drydock('writer', 'exempt', 'acme/app:v1', '--reason', 'please', '--for', '1h')
    assert.equal(exempt.code, 4, show(exempt))
  })

  it('exempt (bounded, reason required), exemptions and revoke', async () => {
    const noReason = await drydock('orgadmin', 'exempt', 'acme/app:v1', '--for', '1h')
    assert.equal(noReason.code, 2, show(noReason))
    assert.match(noReason.stderr, /--reason is required/)
    const tooLong = await drydock('orgadmin', 'exempt', 'acme/app:v1', '--reason', 'INC-7', '--for', '48h')
    assert.equal(tooLong.code, 2, show(tooLong))
    assert.match(tooLong.stderr, /at most 24h/)
    const made = await drydock('orgadmin', 'exempt', 'acme/app:v1', '--reason', 'INC-7 hotfix', '--for', '4h', '--format', 'json')
    assert.equal(made.code, 0, show(made))
    const e = JSON.parse(made.stdout) as { id: string; digest: string; status: string }
    assert.equal(e.digest, r.digest)
    assert.equal(e.status, 'active')
    const listed = await drydock('orgadmin', 'exemptions', 'acme/app')
    assert.equal(listed.code, 0, show(listed))
    assert.match(listed.stdout, new RegExp(`${e.id}.*INC-7 hotfix.*active`))
    const revoked = await drydock('orgadmin', 'revoke', 'acme/app', e.id, '--format', 'json')
    assert.equal(revoked.code, 0, show(revoked))
    assert.equal(JSON.parse(revoked.stdout).status, 'revoked')
    const gone = await drydock('orgadmin', 'revoke', 'acme/app', 'no-such-id')
    assert.equal(gone.code, 2, show(gone))
  })

  it('delete: a stored policy goes; bad arguments are usage errors', async () => {
    const del = await drydock('orgadmin', 'delete', 'prod')
    assert.equal(del.code, 0, show(del))
    assert.equal((await drydock('orgadmin', 'get', 'prod')).code, 2)
    const bad = await drydock('orgadmin', 'exempt', 'acme/app')
    assert.equal(bad.code, 2, show(bad))
    assert.match(bad.stderr, /REPOSITORY@DIGEST or REPOSITORY:TAG/)
  })
})
