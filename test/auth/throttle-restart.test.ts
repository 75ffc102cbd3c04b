// Brute-force counters survive a restart: a real `drydock serve` process is locked out by failed
// logins, restarted on the same data dir, and the back-off carries on where it stopped (the next
// failure doubles the wait) instead of granting a fresh budget of guesses.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { startDrydock } from '../../src/testkit/start-drydock.ts'

const ADMIN = { user: 'root', password: 'throttle-admin-password-1' }

it('login back-off counters persist across a restart', { timeout: 120_000 }, async () => {
  const server = await startDrydock({ args: ['--auth', 'on'], env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password } })
  try {
    const login = (password: string) =>
      fetch(`${server.url}/token?service=drydock`, { headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${password}`).toString('base64')}` } })
    // Threshold 5 (the default): five failures lock for 1 s.
    for (let i = 0; i < 5; i++) assert.equal((await login('wrong-password-guess')).status, 401)
    const locked = await login(ADMIN.password)
    assert.equal(locked.status, 429, 'locked before the restart')
    assert.equal(locked.headers.get('retry-after'), '1')

    await server.restart()
    await new Promise((r) => setTimeout(r, 1100))
    // The 1 s lock has run out; the sixth failure must lock again, for 2 s.
    // A throttle that forgot its counters would answer 401 to the next few guesses.
    assert.equal((await login('wrong-password-guess')).status, 401)
    const again = await login(ADMIN.password)
    assert.equal(again.status, 429, 'the failures before the restart still count')
    assert.equal(again.headers.get('retry-after'), '2', 'the wait keeps doubling')
    await new Promise((r) => setTimeout(r, 2100))
    assert.equal((await login(ADMIN.password)).status, 200, 'the right password works once the lock has passed')
  } finally {
    await server.stop()
  }
})
