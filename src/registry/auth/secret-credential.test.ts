import assert from 'node:assert/strict'
import { it } from 'node:test'
import { generateCredential, parseCredential, secretMatches } from './secret-credential.ts'

it('generates typed credentials whose secret only matches its stored hash', () => {
  const c = generateCredential('pat')
  const p = parseCredential(c.value)
  assert.equal(p?.kind, 'pat')
  assert.equal(p?.id, c.id)
  assert.ok(!c.secretHash.includes(p?.secret ?? '?'))
  assert.equal(secretMatches(p?.secret ?? '', c.secretHash), true)
  // Another last character (not always `A`: one secret in 16 ends with it).
  assert.equal(secretMatches(`${p?.secret.slice(0, -1)}${p?.secret.endsWith('A') ? 'E' : 'A'}`, c.secretHash), false)
  assert.equal(secretMatches('x', 'not-hex'), false)
  assert.notEqual(generateCredential('pat').value, c.value)
  assert.equal(parseCredential('hunter2'), undefined)
  assert.equal(parseCredential(`${c.value}x`), undefined)
  assert.equal(parseCredential(generateCredential('robot').value)?.kind, 'robot')
})

it('refuses a secret spelled non-canonically (nonzero unused bits in its last character)', () => {
  const c = generateCredential('refresh')
  const last = c.value.at(-1) ?? 'A'
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  // 43 characters carry 258 bits for 256: the last character's two low bits are unused.
  const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A'
  assert.equal(parseCredential(`${c.value.slice(0, -1)}${sibling}`), undefined)
})
