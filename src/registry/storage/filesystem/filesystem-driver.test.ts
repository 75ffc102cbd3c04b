import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { runDriverSuite } from '../testsuite/driver-suite.ts'
import { FilesystemDriver } from './filesystem-driver.ts'

runDriverSuite('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'drydock-fs-driver-'))
  return { driver: new FilesystemDriver(root), cleanup: () => rm(root, { recursive: true, force: true }) }
})

it('filesystem driver leaves no temporary files behind after atomic writes', async () => {
  const root = await mkdtemp(join(tmpdir(), 'drydock-fs-driver-'))
  try {
    const d = new FilesystemDriver(root)
    await d.putContent('x/data', new TextEncoder().encode('v1'))
    await d.putContent('x/data', new TextEncoder().encode('v2'))
    const w = await d.writer('x/other')
    await w.commit()
    assert.deepEqual(await readdir(join(root, 'x')), ['data', 'other'])
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})
