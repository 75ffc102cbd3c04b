// PolicyAdmin tells the policy source after every change it commits (so the gate's caches drop
// what they hold at once), and only after a change.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import { digestOf } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { SqliteStore } from '../../metadata/sqlite/sqlite-store.ts'
import { fakeClock, uuidGenerator } from '../../ports.ts'
import { parseDeployPolicy } from '../parse-policy.ts'
import { PolicyAdmin } from './policy-admin.ts'
import { openPolicySource } from './stored-policy-source.ts'

let dir: string
let store: SqliteStore
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drydock-policy-admin-'))
  store = new SqliteStore(join(dir, 'm.db'))
})
after(async () => {
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

it('every committed change reaches the onChange listeners; refused ones and no-ops do not', async () => {
  const source = openPolicySource({ configPolicies: [], store })
  const clock = fakeClock('2026-05-01T00:00:00Z')
  const admin = new PolicyAdmin({ store, source, clock, ids: uuidGenerator, maxExemptionMs: 3_600_000 })
  let calls = 0
  source.onChange(() => calls++)
  const repo = 'acme/app' as RepositoryName
  const digest = digestOf('m')
  await store.manifests.put({ repo, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, pushedAt: clock.now() })

  const text = '{"name":"p","scope":"acme","require":{}}'
  await admin.put(parseDeployPolicy(text), text, 'root')
  assert.equal(calls, 1, 'put')
  const clash = '{"name":"q","scope":"acme","require":{}}'
  await assert.rejects(admin.put(parseDeployPolicy(clash), clash, 'root'), /one policy per scope/)
  assert.equal(calls, 1, 'a refused put changes nothing')
  const e = await admin.exempt(repo, digest, { reason: 'INC-1', expiresIn: '30m' }, 'root')
  assert.equal(calls, 2, 'exempt')
  await assert.rejects(admin.exempt(repo, digest, { reason: 'INC-1', expiresIn: '2h' }, 'root'), /at most 1h/)
  assert.equal(calls, 2)
  assert.equal((await admin.revoke(repo, e.id, 'root'))?.revoked, true)
  assert.equal(calls, 3, 'revoke')
  assert.equal((await admin.revoke(repo, e.id, 'root'))?.revoked, false)
  assert.equal(calls, 3, 'revoking again is no change')
  assert.equal(await admin.delete('p'), true)
  assert.equal(calls, 4, 'delete')
  assert.equal(await admin.delete('p'), false)
  assert.equal(calls, 4)
})
