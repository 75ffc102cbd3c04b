// Issue #12, hole 10 (registry tokens and credentials): bytes appended to a token's signature,
// padding, or a non-canonical last character must not verify. Base64url is decoded strictly
// (alphabet only, no padding, unused bits zero) and the signature must be exactly 64 bytes.
// Attacks through real HTTP against a real `drydock serve` with access control on.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { errorCode } from './client-address.ts'

const ADMIN = { user: 'root', password: 'jwt-strict-admin-password-1' }
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The same bytes, spelled with another last character (the unused low bits set). */
function nonCanonical(part: string): string {
  const unusedBits = (part.length * 6) % 8
  assert.ok(unusedBits > 0, 'part has no unused bits')
  const last = ALPHABET.indexOf(part.at(-1) ?? '')
  return part.slice(0, -1) + (ALPHABET[last | 1] === part.at(-1) ? ALPHABET[last ^ 1] : ALPHABET[last | 1])
}

describe('strict registry token and credential decoding (real HTTP)', { timeout: 60_000 }, () => {
  let server: RunningDrydock
  let token: string
  before(async () => {
    server = await startDrydock({ args: ['--auth', 'on'], env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password } })
    // One forgery swaps the signature's base64url characters (- _) for standard ones (+ /): take a
    // token whose signature has some (about 3 in 4 do; each token's id is random).
    for (let tries = 0; tries < 40 && !/[-_]/.test(token?.split('.')[2] ?? ''); tries++) {
      const res = await fetch(`${server.url}/token?service=drydock&scope=registry:catalog:*`, { headers: { authorization: basic(ADMIN.user, ADMIN.password) } })
      assert.equal(res.status, 200)
      token = ((await res.json()) as { token: string }).token
    }
    assert.match(token.split('.')[2] ?? '', /[-_]/, 'no token with - or _ in its signature in 40 tries')
  })
  after(async () => server.stop())

  const v2 = (authorization: string) => fetch(`${server.url}/v2/_catalog`, { headers: { authorization } })

  it('accepts the token as issued (control)', async () => {
    assert.equal((await v2(`Bearer ${token}`)).status, 200)
  })

  const tampered: Record<string, () => string> = {
    '`!!` appended to the signature': () => `${token}!!`,
    'padding appended to the signature': () => `${token}==`,
    'a base64url character appended to the signature': () => `${token}A`,
    'two base64url characters appended to the signature': () => `${token}AA`,
    'a non-canonical last signature character': () => {
      const [h, p, s] = token.split('.') as [string, string, string]
      return `${h}.${p}.${nonCanonical(s)}`
    },
    'standard base64 characters in the signature': () => {
      const [h, p, s] = token.split('.') as [string, string, string]
      return `${h}.${p}.${s.replaceAll('-', '+').replaceAll('_', '/')}`
    },
    'whitespace inside the payload': () => {
      const [h, p, s] = token.split('.') as [string, string, string]
      return `${h}.${p.slice(0, 10)} ${p.slice(10)}.${s}`
    },
  }
  for (const [what, make] of Object.entries(tampered)) {
    it(`refuses a token with ${what}: 401 UNAUTHORIZED`, async () => {
      const forged = make()
      const res = await v2(`Bearer ${forged}`)
      assert.equal(res.status, 401, `${what} was accepted`)
      assert.equal(errorCode(await res.text()), 'UNAUTHORIZED')
    })
  }

  it('refuses Basic credentials with bytes appended to their base64: 401', async () => {
    const res = await fetch(`${server.url}/token?service=drydock`, { headers: { authorization: `${basic(ADMIN.user, ADMIN.password)}!!` } })
    assert.equal(res.status, 401)
    assert.equal(errorCode(await res.text()), 'UNAUTHORIZED')
  })
})
