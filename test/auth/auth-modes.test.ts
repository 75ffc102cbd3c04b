// Which registries are protected: `auto` (the default) stays open until a user exists, then
// protects everything; the first admin comes from DRYDOCK_ADMIN_USER/PASSWORD or from
// `drydock user create NAME --admin --data DIR`; `off` keeps the registry open. Real server
// processes, started by the test.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { startDrydock } from '../../src/testkit/start-drydock.ts'
import { mustCli } from './run-drydock-cli.ts'

it('auto: open without users; protected after `drydock user create --admin --data`; off stays open', { timeout: 120_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'drydock-auth-modes-'))
  try {
    const open = await startDrydock({ dataDir })
    try {
      assert.equal((await fetch(`${open.url}/v2/`)).status, 200)
      assert.equal((await fetch(`${open.url}/token`)).status, 404, 'no token endpoint while auth is off')
      assert.match(open.output(), /authentication is off/)
    } finally {
      await open.stop()
    }
    await mustCli(['user', 'create', 'boss', '--admin', '--data', dataDir, '--new-password-stdin'], {}, 'boss-password-long-1\n')
    const closed = await startDrydock({ dataDir })
    try {
      const res = await fetch(`${closed.url}/v2/`)
      assert.equal(res.status, 401)
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="drydock"$/)
      const auth = `Basic ${Buffer.from('boss:boss-password-long-1').toString('base64')}`
      const token = await fetch(`${closed.url}/token?service=drydock&scope=repository:boss/x:pull`, { headers: { authorization: auth } })
      assert.equal(token.status, 200)
      // OAuth2 password grant, as containerd sends it.
      const form = new URLSearchParams({ grant_type: 'password', username: 'boss', password: 'boss-password-long-1', service: 'drydock', scope: 'repository:boss/x:pull,push', client_id: 'test' })
      const posted = await fetch(`${closed.url}/token`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      assert.equal(posted.status, 200)
      const body = await posted.json() as { access_token: string; expires_in: number }
      assert.equal(body.expires_in, 300)
      assert.equal((await fetch(`${closed.url}/v2/`, { headers: { authorization: `Bearer ${body.access_token}` } })).status, 200)
      const refresh = await fetch(`${closed.url}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }) })
      assert.equal(refresh.status, 400)
    } finally {
      await closed.stop()
    }
    const off = await startDrydock({ dataDir, args: ['--auth', 'off'] })
    try {
      assert.equal((await fetch(`${off.url}/v2/`)).status, 200)
    } finally {
      await off.stop()
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
})
