import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { test } from 'node:test'
import { keyIdOf } from '../keys/key-pair.ts'
import { TrustError } from '../trust-errors.ts'
import { createTrustPolicy } from './trust-policy.ts'

const pem = (): { pem: string; id: string } => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return { pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), id: keyIdOf(publicKey) }
}

test('longest whole-segment namespace wins; * is the default; [] trusts nobody', () => {
  const a = pem()
  const ab = pem()
  const d = pem()
  const policy = createTrustPolicy({ namespaces: { team: [a.pem], 'team/backend': [ab.pem], '*': [d.pem], locked: [] } })
  const ids = (repo: string): string[] => policy.keysFor(repo).map((k) => k.keyId)
  assert.deepEqual(ids('team'), [a.id])
  assert.deepEqual(ids('team/web'), [a.id])
  assert.deepEqual(ids('team/backend/api'), [ab.id])
  assert.deepEqual(ids('teammate/x'), [d.id])
  assert.deepEqual(ids('locked/x'), [])
  assert.deepEqual(createTrustPolicy({ namespaces: {} }).keysFor('x'), [])
})

test('a bad key in the policy is refused at load', () => {
  assert.throws(() => createTrustPolicy({ namespaces: { x: ['not a key'] } }), (e: unknown) => e instanceof TrustError && e.code === 'KEY_INVALID')
})
