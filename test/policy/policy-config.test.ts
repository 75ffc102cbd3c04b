// The config file's `policies` (defaults) and `policy.maxExemption`: validated when the config
// is loaded, so `drydock serve` refuses a bad policy with one line naming the policy and field.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../../src/registry/config/load-config.ts'
import { runDrydock, withoutDrydockEnv } from '../../src/testkit/run-drydock.ts'

describe('config: policies and policy.maxExemption', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drydock-policy-config-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const configFile = async (name: string, content: unknown): Promise<string> => {
    const path = join(dir, name)
    await writeFile(path, JSON.stringify(content))
    return path
  }

  it('loads the policies as written and the exemption bound; defaults without them', async () => {
    const doc = { name: 'prod', scope: 'acme/*', require: { signed: true } }
    const config = loadConfig(['--config', await configFile('ok.json', { policies: [doc], policy: { maxExemption: '4h' } })], {})
    assert.deepEqual(config.policy?.defaults.map((d) => [d.policy.name, d.policy.scope, d.policy.mode]), [['prod', 'acme', 'enforce']])
    assert.deepEqual(config.policy?.defaults[0]?.document, doc)
    assert.equal(config.policy?.maxExemptionMs, 4 * 3_600_000)
    assert.equal(loadConfig([], {}).policy, undefined, 'none configured: the built-in defaults apply (24h)')
  })

  it('refuses a bad policy naming it and the field, and an unbounded maxExemption', async () => {
    const bad = await configFile('bad.json', { policies: [{ name: 'a', scope: '*', require: {} }, { name: 'prod', scope: 'acme', require: { vulnerabilities: { atOrAbove: 'HIGH', allowlist: [{ id: 'CVE-1', reason: 'r' }] } } }] })
    assert.throws(() => loadConfig(['--config', bad], {}), /policies\[1\] 'prod': require\.vulnerabilities\.allowlist\[0\]\.expiresAt/)
    const twoScopes = await configFile('scopes.json', { policies: [{ name: 'a', scope: 'acme', require: {} }, { name: 'b', scope: 'acme/', require: {} }] })
    assert.throws(() => loadConfig(['--config', twoScopes], {}), /policies\[1\] 'b': scope: .*one policy per scope/)
    const long = await configFile('long.json', { policy: { maxExemption: '31d' } })
    assert.throws(() => loadConfig(['--config', long], {}), /policy\.maxExemption must be more than 0 and at most 30d/)
    const typo = await configFile('typo.json', { policy: { maxExemptions: '1h' } })
    assert.throws(() => loadConfig(['--config', typo], {}), /unknown setting "policy\.maxExemptions"/)
  })

  it('drydock serve exits 2 with one line for a bad policy', async () => {
    const bad = await configFile('serve.json', { data: join(dir, 'data'), policies: [{ name: 'prod', scope: 'acme', mode: 'block', require: {} }] })
    const res = await runDrydock(['serve', '--config', bad, '--listen', '127.0.0.1:0'], { env: withoutDrydockEnv() })
    assert.equal(res.code, 2, res.stderr)
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr)
    assert.match(res.stderr, /policies\[0\] 'prod': mode: must be "enforce" or "audit"/)
  })
})
