import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { freeSpaceOf } from './free-space.ts'

describe('freeSpaceOf', () => {
  it('reads the bytes available on the filesystem of an existing directory', async () => {
    const free = await freeSpaceOf(tmpdir())()
    assert.ok(typeof free === 'number' && Number.isSafeInteger(free) && free > 0, `got ${free}`)
  })

  it('answers undefined (unknown) for a directory that does not exist yet', async () => {
    assert.equal(await freeSpaceOf(join(tmpdir(), `drydock-missing-${process.pid}-${Date.now()}`, 'data'))(), undefined)
  })
})
