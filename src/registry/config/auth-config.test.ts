import assert from 'node:assert/strict'
import { it } from 'node:test'
import { loadConfig } from './load-config.ts'

it('reads the auth section from flags and env, with safe defaults', () => {
  const d = loadConfig([], {})
  assert.equal(d.auth.mode, 'auto')
  assert.equal(d.auth.allowInsecureBasic, false)
  assert.equal(d.auth.loginPasswordTtlMs, 12 * 3600 * 1000)
  assert.equal(d.auth.bootstrapAdmin, undefined)
  const c = loadConfig(['--auth', 'on', '--token-ttl', '2m', '--login-password-ttl', '1h', '--allow-insecure-basic', 'true'], {
    DRYDOCK_ADMIN_USER: 'root', DRYDOCK_ADMIN_PASSWORD: 'pw', DRYDOCK_AUTH_SERVICE: 'reg.example',
  })
  assert.equal(c.auth.mode, 'on')
  assert.equal(c.auth.tokenTtlMs, 120_000)
  assert.equal(c.auth.loginPasswordTtlMs, 3_600_000)
  assert.equal(c.auth.allowInsecureBasic, true)
  assert.equal(c.auth.service, 'reg.example')
  assert.deepEqual(c.auth.bootstrapAdmin, { user: 'root', password: 'pw' })
  assert.throws(() => loadConfig(['--auth', 'maybe'], {}), /auth mode/)
  assert.throws(() => loadConfig([], { DRYDOCK_ADMIN_USER: 'root' }), /together/)
})
