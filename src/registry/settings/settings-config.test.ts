import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { RepositoryName } from '../../oci/reference.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import { fakeClock } from '../ports.ts'
import { defaultsFor, repositoriesConfig } from './settings-config.ts'
import { RepositorySettingsService } from './settings-service.ts'

const cfg = repositoriesConfig({
  acme: { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }] },
  'acme/sandbox': { imageTagMutability: 'MUTABLE' },
})

it('namespace defaults: the longest key on whole path segments wins', () => {
  assert.equal(defaultsFor(cfg, 'acme/app').imageTagMutability, 'IMMUTABLE_WITH_EXCLUSION')
  assert.equal(defaultsFor(cfg, 'acme/sandbox').imageTagMutability, 'MUTABLE')
  assert.equal(defaultsFor(cfg, 'acme/sandbox/x').imageTagMutability, 'MUTABLE')
  assert.deepEqual(defaultsFor(cfg, 'acmeish/app'), {}, 'a prefix counts on whole segments only')
  assert.deepEqual(defaultsFor(undefined, 'acme/app'), {})
})

it('bad defaults are refused with the key and the reason', () => {
  assert.throws(() => repositoriesConfig([]), /repositories.defaults must be an object/)
  assert.throws(() => repositoriesConfig({ 'Acme!': {} }), /"Acme!"\]: the key must be a namespace/)
  assert.throws(() => repositoriesConfig({ acme: { scanOnPush: true } }), /scanning.repositories/)
  assert.throws(() => repositoriesConfig({ acme: { imageTagMutability: 'FROZEN' } }), /acme.*imageTagMutability/)
  assert.throws(() => repositoriesConfig({ acme: { imageTagMutability: 'IMMUTABLE', typo: 1 } }), /unknown setting 'typo'/)
})

it('effective settings: the repository\'s own mutability (with its filters), else its namespace default, else MUTABLE', async () => {
  const store = new SqliteStore(':memory:')
  const settings = new RepositorySettingsService({
    store, clock: fakeClock(), defaults: { scanOnPush: () => true, namespace: (repo) => defaultsFor(cfg, repo) },
  })
  const app = 'acme/app' as RepositoryName
  await store.repositories.ensure(app, new Date())
  assert.deepEqual(await settings.effective(app), {
    scanOnPush: true, imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
  })
  assert.equal(await settings.isTagImmutable(app, 'v1' as never), true)
  assert.equal(await settings.isTagImmutable(app, 'dev-3' as never), false)
  await settings.put(app, { imageTagMutability: 'IMMUTABLE', scanOnPush: false })
  assert.deepEqual(await settings.effective(app), { scanOnPush: false, imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [] })
  assert.equal(await settings.isTagImmutable(app, 'dev-3' as never), true, 'the namespace filters do not leak into the own mode')
  assert.equal((await settings.effective('other/x' as RepositoryName)).imageTagMutability, 'MUTABLE')
  await store.close()
})

it('the config file\'s repositories.defaults reaches RegistryConfig; other keys there are refused', async () => {
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { loadConfig } = await import('../config/load-config.ts')
  const dir = await mkdtemp(join(tmpdir(), 'drydock-repo-defaults-'))
  try {
    const file = join(dir, 'config.json')
    await writeFile(file, JSON.stringify({ repositories: { defaults: { acme: { imageTagMutability: 'IMMUTABLE' } } } }))
    assert.deepEqual(loadConfig(['--config', file], {}).repositories, { defaults: { acme: { imageTagMutability: 'IMMUTABLE' } }, templates: {} })
    await writeFile(file, JSON.stringify({ repositories: { default: {} } }))
    assert.throws(() => loadConfig(['--config', file], {}), /unknown setting "repositories.default" \(did you mean "defaults"\?\)/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
