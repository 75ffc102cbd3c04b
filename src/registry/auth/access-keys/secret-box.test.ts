import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { SecretBox } from './secret-box.ts'

test('seals with a 0600 key file made on first use; opens only for the same id and key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-secret-box-'))
  try {
    const box = new SecretBox(dir)
    const sealed = await box.seal('DDAKAAAAAAAAAAAAAAAA', 'the-secret')
    assert.ok(!sealed.includes('the-secret'))
    assert.equal((await stat(join(dir, 'access-keys.key'))).mode & 0o777, 0o600)
    assert.equal((await readFile(join(dir, 'access-keys.key'))).length, 32)
    assert.equal(await box.open('DDAKAAAAAAAAAAAAAAAA', sealed), 'the-secret')
    assert.equal(await new SecretBox(dir).open('DDAKAAAAAAAAAAAAAAAA', sealed), 'the-secret', 'the key file is reused, not replaced')
    assert.equal(await box.open('DDAKBBBBBBBBBBBBBBBB', sealed), undefined, 'bound to its key id')
    assert.equal(await box.open('DDAKAAAAAAAAAAAAAAAA', sealed.slice(0, -2) + 'AA'), undefined, 'tampering is detected')
    const other = await mkdtemp(join(tmpdir(), 'drydock-secret-box-'))
    assert.equal(await new SecretBox(other).open('DDAKAAAAAAAAAAAAAAAA', sealed), undefined, 'another data dir\'s key does not open it')
    await rm(other, { recursive: true, force: true })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
