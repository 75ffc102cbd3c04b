import assert from 'node:assert/strict'
import { it } from 'node:test'
import { hashPassword, verifyPassword } from './password-hasher.ts'

const fast = { N: 1024, r: 8, p: 1 }

it('hashes with a per-user salt and stored parameters, and verifies', async () => {
  const a = await hashPassword('correct horse', fast)
  const b = await hashPassword('correct horse', fast)
  assert.notEqual(a, b, 'salted')
  assert.match(a, /^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/)
  assert.equal(await verifyPassword('correct horse', a), true)
  assert.equal(await verifyPassword('correct horsE', a), false)
  assert.equal(await verifyPassword('', a), false)
})

it('refuses malformed or hostile stored hashes and huge passwords without throwing', async () => {
  for (const bad of ['', 'scrypt$', 'md5$1$2$3$4$5', 'scrypt$4294967296$8$1$c2FsdA$aGFzaA', 'scrypt$x$y$z$a$b']) {
    assert.equal(await verifyPassword('pw', bad), false, bad)
  }
  const h = await hashPassword('pw', fast)
  assert.equal(await verifyPassword('x'.repeat(5000), h), false)
  await assert.rejects(hashPassword('x'.repeat(5000), fast), /too long/)
})
