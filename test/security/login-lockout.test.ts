// Issue #12, hole 4: login throttling must not let an attacker lock out accounts whose password
// they do not know. Failures are counted per (account, address), with a ceiling per address over
// the number of distinct accounts that failed from it. All attacks go through real HTTP against
// a real `drydock serve`; a second client address is a second loopback address (127.0.0.2),
// since the server trusts no proxy header.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { errorCode, requestFrom } from './client-address.ts'

const ADMIN = { user: 'root', password: 'lockout-admin-password-1' }
// One pair of addresses per test, so that no test sees another's counters.
const A = '127.0.0.1'
const B = '127.0.0.2'
const C = '127.0.0.3'
const D = '127.0.0.4'

describe('login throttling (real HTTP)', { timeout: 120_000 }, () => {
  let server: RunningDrydock
  before(async () => {
    server = await startDrydock({ args: ['--auth', 'on'], env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password } })
  })
  after(async () => server.stop())

  const login = (from: string, user: string, password: string) =>
    requestFrom(from, `${server.url}/token?service=drydock`, {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    })

  it('wrong passwords for random user names do not lock the admin out of the same address', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await login(A, `nobody-${randomBytes(6).toString('hex')}`, 'guess-guess-guess')
      assert.equal(res.status, 401, `probe ${i}: ${res.text}`)
      assert.equal(errorCode(res.text), 'UNAUTHORIZED')
    }
    const res = await login(A, ADMIN.user, ADMIN.password)
    assert.equal(res.status, 200, res.text)
  })

  it('guessing at one account from one address is throttled there, not from another address', async () => {
    const victim = ADMIN.user
    let throttled: Awaited<ReturnType<typeof login>> | undefined
    for (let i = 0; i < 8 && !throttled; i++) {
      const res = await login(C, victim, `wrong-password-${i}`)
      if (res.status === 429) throttled = res
      else assert.equal(res.status, 401, res.text)
    }
    assert.ok(throttled, 'repeated wrong passwords were never throttled')
    assert.equal(errorCode(throttled.text), 'TOOMANYREQUESTS')
    assert.match(String(throttled.headers['retry-after']), /^[1-9]\d*$/)
    // The account itself is not locked: its owner, elsewhere, logs in.
    const elsewhere = await login(D, victim, ADMIN.password)
    assert.equal(elsewhere.status, 200, elsewhere.text)
  })

  it('throttles an unknown account exactly like a known one (no account enumeration)', async () => {
    const ghost = `ghost-${randomBytes(6).toString('hex')}`
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await login(B, ghost, `wrong-password-${i}`)).status)
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429])
  })
})

describe('password spraying from one address', { timeout: 180_000 }, () => {
  let server: RunningDrydock
  before(async () => {
    server = await startDrydock({
      args: ['--auth', 'on', '--lockout-accounts-per-address', '10'],
      env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password },
    })
  })
  after(async () => server.stop())

  const login = (from: string, user: string, password: string) =>
    requestFrom(from, `${server.url}/token?service=drydock`, {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    })

  it('is slowed once failures span more accounts than the per-address ceiling', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) statuses.push((await login(A, `sprayed-${i}`, 'Summer2026!')).status)
    assert.deepEqual(statuses, Array(10).fill(401), 'below the ceiling every guess is answered')
    // Past the ceiling the address waits (each further account doubles the wait).
    const past: number[] = []
    for (let i = 10; i < 20 && !past.includes(429); i++) past.push((await login(A, `sprayed-${i}`, 'Summer2026!')).status)
    assert.ok(past.includes(429), `never throttled: ${past.join(',')}`)
    // Another address is unaffected.
    assert.equal((await login(B, ADMIN.user, ADMIN.password)).status, 200)
  })
})
