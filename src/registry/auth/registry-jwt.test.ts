import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { it } from 'node:test'
import { signJwt, verifyJwt, type TokenClaims } from './registry-jwt.ts'

const { privateKey, publicKey } = generateKeyPairSync('ed25519')
const other = generateKeyPairSync('ed25519')
const claims: TokenClaims = {
  iss: 'drydock', sub: 'u', aud: 'svc', iat: 1000, nbf: 1000, exp: 1300, jti: 'j',
  access: [{ type: 'repository', name: 'a/b', actions: ['pull'] }],
}
const keyFor = (kid: string) => (kid === 'k1' ? publicKey : undefined)

it('signs EdDSA JWTs with a kid and verifies them', () => {
  const t = signJwt(claims, 'k1', privateKey)
  assert.deepEqual(JSON.parse(Buffer.from(t.split('.')[0] ?? '', 'base64url').toString()), { alg: 'EdDSA', typ: 'JWT', kid: 'k1' })
  assert.deepEqual(verifyJwt(t, keyFor, 'svc', 1100), claims)
})

it('rejects expiry, audience, unknown kid, wrong key, tampering, alg none and garbage', () => {
  const t = signJwt(claims, 'k1', privateKey)
  assert.throws(() => verifyJwt(t, keyFor, 'svc', 1300), /expired/)
  assert.throws(() => verifyJwt(t, keyFor, 'other', 1100), /audience/)
  assert.throws(() => verifyJwt(signJwt(claims, 'k9', privateKey), keyFor, 'svc', 1100), /unknown signing key/)
  assert.throws(() => verifyJwt(signJwt(claims, 'k1', other.privateKey), keyFor, 'svc', 1100), /bad signature/)
  const [h, , s] = t.split('.')
  const evil = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')
  assert.throws(() => verifyJwt(`${h}.${evil}.${s}`, keyFor, 'svc', 1100), /bad signature/)
  const none = Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')
  assert.throws(() => verifyJwt(`${none}.${evil}.`, keyFor, 'svc', 1100), /unsupported/)
  for (const g of ['', 'a.b', 'a.b.c', '!!.??.##', 'x'.repeat(20000)]) assert.throws(() => verifyJwt(g, keyFor, 'svc', 1100))
})

it('refuses every other spelling of a valid token: junk, padding, non-canonical or over-long parts', () => {
  const t = signJwt(claims, 'k1', privateKey)
  const [h = '', p = '', s = ''] = t.split('.')
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  // 64 signature bytes in 86 characters leave 4 unused bits in the last one.
  const sibling = (part: string) => part.slice(0, -1) + alphabet[alphabet.indexOf(part.at(-1) ?? 'A') ^ 1]
  const longer = Buffer.concat([Buffer.from(s, 'base64url'), Buffer.from([0])]).toString('base64url')
  for (const forged of [
    `${t}!!`, `${t}=`, `${t}==`, `${t}A`, `${h}.${p}.${sibling(s)}`, `${h}.${p}.${longer}`, `${h}.${p}.${s.slice(0, -2)}`,
    `${h}.${p}.+${s.slice(1)}`, `${h}=.${p}.${s}`, `${h}.${p}!!.${s}`, `${h}. ${p}.${s}`,
  ]) assert.throws(() => verifyJwt(forged, keyFor, 'svc', 1100), /malformed|bad signature/, forged)
  assert.deepEqual(verifyJwt(t, keyFor, 'svc', 1100), claims)
})
