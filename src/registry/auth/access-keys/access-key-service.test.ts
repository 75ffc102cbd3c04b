// AccessKeyService over a real SQLite store and the AWS SDK's own signer (@smithy/signature-v4)
// on the client side; time is a fake clock, so expiry and skew need no waiting.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import { SqliteStore } from '../../metadata/sqlite/sqlite-store.ts'
import { fakeClock } from '../../ports.ts'
import { RegistryError } from '../../../oci/errors.ts'
import { LoginThrottle } from '../login-throttle.ts'
import { AccessKeyService } from './access-key-service.ts'
import { SecretBox } from './secret-box.ts'
import type { SignedRequest } from './sigv4-verifier.ts'

const POLICY = { region: 'us-east-1', service: 'ecr', maxSkewMs: 15 * 60_000 }
const ADDRESS = '192.0.2.7'
/** Throttle limits no test here reaches, except the throttling test's own. */
const LAX = { perAccountAndAddress: 100, accountsPerAddress: 100 }

async function sign(id: string, secret: string, at: Date, body = '{}'): Promise<SignedRequest> {
  const signer = new SignatureV4({ credentials: { accessKeyId: id, secretAccessKey: secret }, region: 'us-east-1', service: 'ecr', sha256: Sha256 })
  const signed = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: 'reg.test', path: '/', query: {}, body,
    headers: { host: 'reg.test', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRegistry' },
  }, { signingDate: at })
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]))
  return { method: 'POST', path: '/', query: {}, headers, body: Buffer.from(body) }
}

test('keys authenticate their owner until expired, deleted, or the owner is gone or made anew', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-access-keys-'))
  const store = new SqliteStore(join(dir, 'm.db'))
  try {
    const clock = fakeClock('2026-06-01T00:00:00Z')
    const keys = new AccessKeyService(store.accessKeys, store.auth, new SecretBox(dir), clock, new LoginThrottle(clock, LAX, store.auth.loginFailures))
    await store.auth.users.create({ name: 'alice', passwordHash: 'x', admin: false, createdAt: clock.now() })
    clock.advance(1000)
    const k = await keys.create('alice', new Date(clock.now().getTime() + 3_600_000))
    assert.match(k.record.id, /^DDAK[A-Z2-7]{16}$/)
    assert.match(k.secretAccessKey, /^[A-Za-z0-9+/]{40}$/)
    assert.ok(!k.record.sealedSecret.includes(k.secretAccessKey))

    const ok = await keys.authenticate(await sign(k.record.id, k.secretAccessKey, clock.now()), POLICY, ADDRESS)
    assert.deepEqual(ok.principal, { kind: 'user', name: 'alice', admin: false })
    assert.deepEqual((await keys.get(k.record.id))?.lastUsedAt, clock.now())

    const failure = async (req: Promise<SignedRequest>) => {
      try {
        await keys.authenticate(await req, POLICY, ADDRESS)
        return 'accepted'
      } catch (err) {
        return `${(err as { type?: string }).type}: ${(err as Error).message}`
      }
    }
    assert.match(await failure(sign(k.record.id, `${k.secretAccessKey.slice(0, -1)}${k.secretAccessKey.endsWith('x') ? 'y' : 'x'}`, clock.now())), /^InvalidSignatureException: The request signature we calculated/)
    assert.match(await failure(sign(k.record.id, k.secretAccessKey, new Date(clock.now().getTime() - 16 * 60_000))), /^InvalidSignatureException: Signature expired: 20260531T234401Z is now earlier than 20260531T234501Z \(20260601T000001Z - 15 min\.\)$/)
    assert.equal(await failure(sign(k.record.id, k.secretAccessKey, new Date(clock.now().getTime() - 14 * 60_000))), 'accepted', 'inside the window')
    const tampered = await sign(k.record.id, k.secretAccessKey, clock.now(), '{"a":1}')
    assert.match(await failure(Promise.resolve({ ...tampered, body: Buffer.from('{"a":2}') })), /^InvalidSignatureException/)

    clock.advance(3_600_000)
    assert.match(await failure(sign(k.record.id, k.secretAccessKey, clock.now())), /^ExpiredTokenException/)

    const k2 = await keys.create('alice')
    await store.auth.users.delete('alice')
    assert.match(await failure(sign(k2.record.id, k2.secretAccessKey, clock.now())), /^UnrecognizedClientException/)
    clock.advance(1000)
    await store.auth.users.create({ name: 'alice', passwordHash: 'y', admin: true, createdAt: clock.now() })
    assert.match(await failure(sign(k2.record.id, k2.secretAccessKey, clock.now())), /^UnrecognizedClientException/, 'a new alice does not inherit the old one\'s keys')
    assert.equal(await keys.delete(k2.record.id), true)
    assert.match(await failure(sign('DDAKAAAAAAAAAAAAAAAA', k2.secretAccessKey, clock.now())), /^UnrecognizedClientException/)
  } finally {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('wrong signatures and unknown key ids are throttled like wrong passwords, per (key id, address)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-access-keys-'))
  const store = new SqliteStore(join(dir, 'm.db'))
  try {
    const clock = fakeClock('2026-06-01T00:00:00Z')
    const keys = new AccessKeyService(store.accessKeys, store.auth, new SecretBox(dir), clock, new LoginThrottle(clock, { perAccountAndAddress: 3, accountsPerAddress: 4 }, store.auth.loginFailures))
    await store.auth.users.create({ name: 'alice', passwordHash: 'x', admin: false, createdAt: clock.now() })
    clock.advance(1000)
    const k = await keys.create('alice')
    const other = await keys.create('alice')
    const outcome = async (id: string, secret: string, from = ADDRESS, at = clock.now()) => {
      try {
        await keys.authenticate(await sign(id, secret, at), POLICY, from)
        return 'accepted'
      } catch (err) {
        return err instanceof RegistryError ? `${err.code} ${err.headers['Retry-After']}` : String((err as { type?: string }).type)
      }
    }
    const wrong = `${k.secretAccessKey.slice(0, -1)}${k.secretAccessKey.endsWith('x') ? 'y' : 'x'}`
    // Not guesses: a skewed clock does not count, however often.
    for (let i = 0; i < 5; i++) assert.equal(await outcome(k.record.id, k.secretAccessKey, ADDRESS, new Date(clock.now().getTime() - 3_600_000)), 'InvalidSignatureException')
    assert.equal(await outcome(k.record.id, k.secretAccessKey), 'accepted')
    for (let i = 0; i < 3; i++) assert.equal(await outcome(k.record.id, wrong), 'InvalidSignatureException')
    assert.equal(await outcome(k.record.id, k.secretAccessKey), 'TOOMANYREQUESTS 1', 'the right secret is not even checked while locked')
    assert.equal(await outcome(other.record.id, other.secretAccessKey), 'accepted', 'another key from the same address')
    assert.equal(await outcome(k.record.id, k.secretAccessKey, '192.0.2.8'), 'accepted', 'the same key from another address')
    clock.advance(1000)
    assert.equal(await outcome(k.record.id, wrong), 'InvalidSignatureException')
    assert.equal(await outcome(k.record.id, k.secretAccessKey), 'TOOMANYREQUESTS 2', 'the wait doubles')
    clock.advance(2000)
    assert.equal(await outcome(k.record.id, k.secretAccessKey), 'accepted')
    assert.equal(await outcome(k.record.id, wrong), 'InvalidSignatureException', 'a success cleared the pair')

    // Probing key ids: each unknown id is another "account" of the address's ceiling (4 here).
    const from = '198.51.100.1'
    for (let i = 0; i < 4; i++) assert.equal(await outcome(`DDAKPROBE${'A'.repeat(10)}${'BCDEFG'[i]}`, wrong, from), 'UnrecognizedClientException')
    assert.equal(await outcome(k.record.id, k.secretAccessKey, from), 'TOOMANYREQUESTS 1', 'the address backs off')
    assert.deepEqual((await store.auth.loginFailures.get(['pair:198.51.100.1|access-key:DDAKPROBEAAAAAAAAAAB'])).map((r) => r.failures), [1])
  } finally {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  }
})
