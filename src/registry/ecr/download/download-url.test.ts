import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { ecrConfig } from '../ecr-config.ts'
import { DownloadUrlSigner } from './download-url.ts'

const key = randomBytes(32)
const at = (ms: number) => ({ now: () => new Date(ms) })
const T0 = Date.UTC(2026, 11, 5, 12, 0, 0)
const DIGEST = `sha256:${'ab'.repeat(32)}`

test('a token carries its grant until it expires, and not a second longer', async () => {
  const { token, expiresAt } = await new DownloadUrlSigner(async () => key, at(T0), 600_000).sign('acme/app', DIGEST, 'alice')
  assert.equal(expiresAt.getTime(), T0 + 600_000)
  const check = await new DownloadUrlSigner(async () => key, at(T0 + 599_999), 600_000).verify(token)
  assert.deepEqual(check, { ok: true, grant: { repository: 'acme/app', digest: DIGEST, principal: 'alice', expiresAt } })
  assert.deepEqual(await new DownloadUrlSigner(async () => key, at(T0 + 600_000), 600_000).verify(token), { ok: false, reason: 'expired' })
})

test('altered, foreign-key, malformed and oversized tokens are invalid', async () => {
  const signer = new DownloadUrlSigner(async () => key, at(T0), 600_000)
  const { token } = await signer.sign('acme/app', DIGEST, 'alice')
  const [v, payload, mac] = token.split('.') as [string, string, string]
  const other = Buffer.from(JSON.stringify(['acme/other', DIGEST, 'alice', T0 / 1000 + 600])).toString('base64url')
  const invalid = { ok: false, reason: 'invalid' }
  assert.deepEqual(await signer.verify(`${v}.${other}.${mac}`), invalid)
  assert.deepEqual(await signer.verify(`v2.${payload}.${mac}`), invalid)
  assert.deepEqual(await signer.verify(`${v}.${payload}.${mac}.x`), invalid)
  assert.deepEqual(await signer.verify(`${v}.${payload}`), invalid)
  assert.deepEqual(await signer.verify(`${v}.${payload}.${mac.slice(1)}`), invalid)
  assert.deepEqual(await signer.verify(`${token}${'A'.repeat(2048)}`), invalid)
  assert.deepEqual(await new DownloadUrlSigner(async () => randomBytes(32), at(T0), 600_000).verify(token), invalid)
})

test('ecr.downloadUrlTtl: 10 min by default, a duration, more than 0 and at most 12 h', () => {
  assert.equal(ecrConfig({}).downloadUrlTtlMs, 600_000)
  assert.equal(ecrConfig({ downloadUrlTtl: '90s' }).downloadUrlTtlMs, 90_000)
  assert.throws(() => ecrConfig({ downloadUrlTtl: '0s' }), /more than 0/)
  assert.throws(() => ecrConfig({ downloadUrlTtl: '13h' }), /at most 12h/)
})
