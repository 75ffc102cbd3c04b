import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isRegistryError } from '../../oci/errors.ts'
import { UploadLocks } from './upload-locks.ts'

describe('UploadLocks', () => {
  it('refuses a second write, lets a write wait for a read, and frees the session on release', async () => {
    const locks = new UploadLocks()
    const write = await locks.acquire('u', 'write')
    await assert.rejects(locks.acquire('u', 'write'), (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_INVALID'))
    assert.equal(locks.tryAcquire('u', 'read'), undefined)
    write.release()
    const read = await locks.acquire('u', 'read')
    let wrote = false
    const waiting = locks.acquire('u', 'write').then((held) => {
      wrote = true
      return held
    })
    await new Promise((r) => setImmediate(r))
    assert.equal(wrote, false, 'the write waits for the read')
    read.release()
    ;(await waiting).release()
    assert.equal(locks.holder('u'), undefined)
  })

  it('lets a cancel abort the holder, wait for it, and turn everyone else away meanwhile', async () => {
    const locks = new UploadLocks()
    const write = await locks.acquire('u', 'write')
    const cancelling = locks.acquire('u', 'cancel')
    assert.equal(write.signal.aborted, true)
    assert.ok(isRegistryError(write.signal.reason, 'BLOB_UPLOAD_UNKNOWN'))
    const second = locks.acquire('u', 'cancel')
    write.release()
    const cancel = await cancelling
    await assert.rejects(second, (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_UNKNOWN'))
    await assert.rejects(locks.acquire('u', 'write'), (e: unknown) => isRegistryError(e, 'BLOB_UPLOAD_UNKNOWN'))
    assert.equal(locks.holder('u'), 'cancel')
    cancel.release()
    assert.equal(locks.holder('u'), undefined)
  })
})
