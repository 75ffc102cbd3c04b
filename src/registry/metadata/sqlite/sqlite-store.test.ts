import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import type { RepositoryName } from '../../../oci/reference.ts'
import { runMetadataSuite } from '../testsuite/metadata-suite.ts'
import { SqliteStore } from './sqlite-store.ts'

runMetadataSuite('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-sqlite-'))
  const store = new SqliteStore(join(dir, 'metadata.db'))
  return {
    store,
    cleanup: async () => {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
})

it('sqlite store keeps data across reopen (migrations run once)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-sqlite-'))
  try {
    const a = new SqliteStore(join(dir, 'm.db'))
    await a.repositories.ensure('kept' as RepositoryName, new Date())
    await a.close()
    const b = new SqliteStore(join(dir, 'm.db'))
    assert.equal(await b.repositories.exists('kept' as RepositoryName), true)
    await b.close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
