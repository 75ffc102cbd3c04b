// Issue #15: guessing at an access key's secret through the ECR door is slowed exactly as guessing
// at a password is (the same LoginThrottle and counters): after repeated bad signatures for one
// key id from one address, that key is refused from there with ECR's ThrottlingException, even
// with the right secret, while other keys keep working. Real HTTP against a real server; the
// fake-clock details (doubling, other addresses, probing key ids) are in
// src/registry/auth/access-keys/access-key-service.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ADMIN, signedCall, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'

describe('bad signatures on the ECR door are throttled', { timeout: 120_000 }, () => {
  let s: EcrServer
  let key: AccessKey
  let other: AccessKey
  before(async () => {
    s = await startEcrServer()
    key = await s.newKey(ADMIN)
    other = await s.newKey(ADMIN)
  })
  after(async () => s?.stop())

  test('a good signature is never throttled by itself', async () => {
    for (let i = 0; i < 8; i++) assert.equal((await signedCall(s.drydock.url, key, 'DescribeRegistry', {})).status, 200)
  })

  test('repeated wrong secrets for one key id get ThrottlingException, the right secret too; other keys do not', async () => {
    const wrong = { id: key.id, secret: `${key.secret.slice(0, -1)}${key.secret.endsWith('x') ? 'y' : 'x'}` }
    let throttled: Awaited<ReturnType<typeof signedCall>> | undefined
    for (let i = 0; i < 10 && !throttled; i++) {
      const res = await signedCall(s.drydock.url, wrong, 'DescribeRegistry', {})
      if (res.json['__type'] === 'ThrottlingException') throttled = res
      else assert.equal(res.json['__type'], 'InvalidSignatureException', JSON.stringify(res.json))
    }
    assert.ok(throttled, 'repeated bad signatures were never throttled')
    assert.equal(throttled.status, 400)
    assert.equal(throttled.headers.get('x-amzn-errortype'), 'ThrottlingException')
    assert.match(String(throttled.json['message']), /^Rate exceeded/)

    // Locked for at least a second after the last counted failure: the right secret is not checked.
    const right = await signedCall(s.drydock.url, key, 'DescribeRegistry', {})
    assert.equal(right.json['__type'], 'ThrottlingException', JSON.stringify(right.json))
    const otherKey = await signedCall(s.drydock.url, other, 'DescribeRegistry', {})
    assert.equal(otherKey.status, 200, JSON.stringify(otherKey.json))
  })

  test('refusals and throttled requests are audited as login failures are, without secrets', async () => {
    const res = await s.api(ADMIN, 'GET', '/api/v1/audit?action=login.throttled')
    assert.equal(res.status, 200)
    const { events } = (await res.json()) as { events: Array<{ actor: string; detail?: Record<string, unknown> }> }
    assert.ok(events.some((e) => e.detail?.['via'] === 'ecr'), JSON.stringify(events))
    const failures = (await (await s.api(ADMIN, 'GET', '/api/v1/audit?action=login.failure')).json()) as { events: Array<{ detail?: Record<string, unknown> }> }
    assert.ok(failures.events.some((e) => e.detail?.['via'] === 'ecr' && e.detail['reason'] === 'InvalidSignatureException'))
    const all = JSON.stringify([events, failures.events])
    assert.ok(!all.includes(key.secret) && !all.includes(key.secret.slice(0, -1)), 'no secret in the audit log')
  })
})
