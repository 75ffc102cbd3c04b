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
  assert.equal(secretMatches(`${p?.secret.slice(0, -1)}A`, c.secretHash), false)
  assert.equal(secretMatches('x', 'not-hex'), false)
  assert.notEqual(generateCredential('pat').value, c.value)
  assert.equal(parseCredential('hunter2'), undefined)
  assert.equal(parseCredential(`${c.value}x`), undefined)
  assert.equal(parseCredential(generateCredential('robot').value)?.kind, 'robot')
})
