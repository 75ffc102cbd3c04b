import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { LoginFailureRecord, LoginFailureRepo } from '../metadata/auth-store.ts'
import { LoginThrottle } from './login-throttle.ts'

function memoryRepo(): LoginFailureRepo {
  const rows = new Map<string, LoginFailureRecord>()
  return {
    get: async (keys) => keys.flatMap((k) => (rows.has(k) ? [rows.get(k) as LoginFailureRecord] : [])),
    put: async (r) => void rows.set(r.key, r),
    delete: async (keys) => keys.forEach((k) => rows.delete(k)),
    prune: async (before) => rows.forEach((r, k) => r.updatedAt < before && rows.delete(k)),
  }
}

function setup(perAccountAndAddress = 3, accountsPerAddress = 4) {
  let t = Date.parse('2026-12-01T00:00:00Z')
  const clock = { now: () => new Date(t), advance: (ms: number) => (t += ms) }
  return { clock, throttle: new LoginThrottle(clock, { perAccountAndAddress, accountsPerAddress }, memoryRepo()) }
}

describe('LoginThrottle', () => {
  it('locks one (account, address) pair with doubling waits, and nothing else', async () => {
    const { clock, throttle } = setup()
    for (let i = 0; i < 3; i++) await throttle.failed('alice', '10.0.0.1')
    assert.equal(await throttle.retryAfter('alice', '10.0.0.1'), 1000)
    assert.equal(await throttle.retryAfter('alice', '10.0.0.2'), 0, 'the account from elsewhere')
    assert.equal(await throttle.retryAfter('bob', '10.0.0.1'), 0, 'another account from the same address')
    clock.advance(1000)
    await throttle.failed('alice', '10.0.0.1')
    assert.equal(await throttle.retryAfter('alice', '10.0.0.1'), 2000)
    await throttle.succeeded('alice', '10.0.0.1')
    assert.equal(await throttle.retryAfter('alice', '10.0.0.1'), 0)
  })

  it('counts distinct accounts per address: one account retried for ever never reaches the ceiling', async () => {
    const { clock, throttle } = setup(3, 2)
    for (let i = 0; i < 50; i++) {
      clock.advance(16 * 60 * 1000) // past any lock
      await throttle.failed('ci-bot', '10.0.0.1')
    }
    assert.equal(await throttle.retryAfter('root', '10.0.0.1'), 0)
    await throttle.failed('typo-user', '10.0.0.1')
    assert.equal(await throttle.retryAfter('root', '10.0.0.1'), 1000, 'the second distinct account reaches a ceiling of 2')
    assert.equal(await throttle.retryAfter('root', '10.0.0.9'), 0)
    // A success clears the pair only, never the address counter.
    clock.advance(1000)
    await throttle.succeeded('root', '10.0.0.1')
    await throttle.failed('third', '10.0.0.1')
    assert.equal(await throttle.retryAfter('root', '10.0.0.1'), 2000)
  })

  it('groups IPv6 clients by /64 and IPv4-mapped addresses with IPv4', async () => {
    const { throttle } = setup(2, 10)
    await throttle.failed('alice', '2001:db8:0:1::1')
    await throttle.failed('alice', '2001:db8:0:1::2')
    assert.equal(await throttle.retryAfter('alice', '2001:db8:0:1:ffff::3'), 1000)
    assert.equal(await throttle.retryAfter('alice', '2001:db8:0:2::1'), 0)
    await throttle.failed('bob', '::ffff:10.0.0.1')
    await throttle.failed('bob', '10.0.0.1')
    assert.equal(await throttle.retryAfter('bob', '10.0.0.1'), 1000)
  })

  it('forgets a counter a day after its last failure', async () => {
    const { clock, throttle } = setup(2, 10)
    await throttle.failed('alice', '10.0.0.1')
    clock.advance(24 * 3600 * 1000)
    await throttle.failed('alice', '10.0.0.1')
    assert.equal(await throttle.retryAfter('alice', '10.0.0.1'), 0)
  })
})
