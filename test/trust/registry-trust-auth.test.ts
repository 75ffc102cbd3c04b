// The signatures API under access control: reading needs pull on the repository, like the scans
// API. A real server: the image is pushed and signed while the registry is still open, then it
// restarts with a bootstrap admin (auth turns on) and a second user without rights is created.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { OciClient } from '../../src/testkit/oci-client.ts'
import { startDrydock } from '../../src/testkit/start-drydock.ts'
import { describe, drydock, generateKeys, tempDir } from './trust-fixture.ts'

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

test('signatures API: 401 anonymous, 403 without pull, 200 with pull', { timeout: 180_000 }, async () => {
  const dir = await tempDir('registry-auth')
  const dataDir = await mkdtemp(join(tmpdir(), 'drydock-trust-auth-data-'))
  try {
    const keys = await generateKeys(dir.path, 'trusted')
    const config = join(dir.path, 'drydock.json')
    await writeFile(config, JSON.stringify({ trust: { namespaces: { '*': [{ file: keys.pub }] } } }))
    const server = await startDrydock({ dataDir, args: ['--config', config] })
    try {
      await new OciClient(server.url).pushImage('team-a/app', { tag: 'v1' })
      const signed = await drydock(['sign', `${server.host}/team-a/app:v1`, '--key', keys.key])
      assert.equal(signed.code, 0, describe(signed))
      // Auth turns on once a user exists (auth mode `auto`).
      await server.stop()
      const admin = { DRYDOCK_ADMIN_USER: 'boss', DRYDOCK_ADMIN_PASSWORD: 'boss-password-long-1' }
      const closed = await startDrydock({ dataDir, args: ['--config', config], env: admin })
      try {
        const bossAuth = basic('boss', 'boss-password-long-1')
        const created = await fetch(`${closed.url}/api/v1/users`, {
          method: 'POST',
          headers: { authorization: bossAuth, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'alice', password: 'alice-password-long-1' }),
        })
        assert.equal(created.status, 201, await created.text())
        const url = `${closed.url}/api/v1/repositories/team-a/app/images/v1/signatures`

        const anonymous = await fetch(url)
        assert.equal(anonymous.status, 401)
        assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic /)
        const alice = await fetch(url, { headers: { authorization: basic('alice', 'alice-password-long-1') } })
        assert.equal(alice.status, 403)
        // Nor can she probe for tags or repositories that do not exist.
        const probe = await fetch(`${closed.url}/api/v1/repositories/team-a/nothing/images/v9/signatures`, { headers: { authorization: basic('alice', 'alice-password-long-1') } })
        assert.equal(probe.status, 403)
        const wrongPassword = await fetch(url, { headers: { authorization: basic('boss', 'not-the-password') } })
        assert.equal(wrongPassword.status, 401)

        const boss = await fetch(url, { headers: { authorization: bossAuth } })
        assert.equal(boss.status, 200)
        const body = (await boss.json()) as { signed: boolean; verifiedBy: string[] }
        assert.equal(body.signed, true)
        assert.equal(body.verifiedBy.length, 1)
      } finally {
        await closed.stop()
      }
    } finally {
      await server.stop()
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
    await dir.remove()
  }
})
