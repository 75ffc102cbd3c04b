import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { it } from 'node:test'
import { loadConfig } from '../config/load-config.ts'

const TOKEN = 'a-metrics-token-of-32-characters'

it('metrics: on and open by default; auth modes from the file, env and flags; the token from a file or env', async () => {
  const d = loadConfig([], {}).metrics
  assert.equal(d?.enabled, true)
  assert.deepEqual(d?.auth, { admin: false })
  assert.equal(loadConfig(['--metrics-enabled', 'false'], {}).metrics?.enabled, false)
  assert.deepEqual(loadConfig(['--metrics-auth', 'admin'], {}).metrics?.auth, { admin: true })
  const env = loadConfig(['--metrics-auth', 'token,admin'], { DRYDOCK_METRICS_TOKEN: TOKEN }).metrics?.auth
  assert.equal(env?.admin, true)
  assert.equal(env?.token?.matches(TOKEN), true)
  assert.equal(env?.token?.matches(`${TOKEN}x`), false)
  assert.equal(env?.token?.matches(''), false)
  // The token never prints: not in JSON, not in util.inspect (what loggers use).
  assert.ok(!JSON.stringify(env).includes(TOKEN))
  assert.ok(!inspect(env, { depth: 5 }).includes(TOKEN))
  const dir = await mkdtemp(join(tmpdir(), 'drydock-metrics-config-'))
  try {
    const tokenFile = join(dir, 'token')
    await writeFile(tokenFile, `${TOKEN}\n`)
    const file = join(dir, 'config.json')
    await writeFile(file, JSON.stringify({ metrics: { enabled: true, auth: ['token'], tokenFile } }))
    const fromFile = loadConfig(['--config', file], {}).metrics?.auth
    assert.equal(fromFile?.admin, false)
    assert.equal(fromFile?.token?.matches(TOKEN), true, 'the trailing newline is not part of the token')
    assert.throws(() => loadConfig(['--config', file], { DRYDOCK_METRICS_TOKEN: TOKEN }), /not both/)
    await writeFile(file, JSON.stringify({ metrics: { auth: 'token', tokenfile: tokenFile } }))
    assert.throws(() => loadConfig(['--config', file], {}), /unknown setting "metrics.tokenfile" \(did you mean "tokenFile"\?\)/)
    await writeFile(tokenFile, 'short\n')
    assert.throws(() => loadConfig(['--metrics-auth', 'token', '--metrics-token-file', tokenFile], {}), /at least 16 characters/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  assert.throws(() => loadConfig(['--metrics-auth', 'token'], {}), /needs a token/)
  assert.throws(() => loadConfig([], { DRYDOCK_METRICS_TOKEN: TOKEN }), /does not include "token"/)
  assert.throws(() => loadConfig(['--metrics-auth', 'basic'], {}), /metrics auth: must be off, token, admin or token,admin/)
  assert.throws(() => loadConfig(['--metrics-enabled', 'yes'], {}), /metrics enabled: must be true or false/)
  assert.throws(() => loadConfig(['--metrics-auth', 'token', '--metrics-token-file', '/nonexistent/drydock-token'], {}), /metrics token file/)
})
