// Repository creation templates (issue #14, as ECR's): the longest matching template becomes a
// new repository's own settings, at explicit creation (the request's settings win field by
// field) or at its first manifest push. Repositories that already hold manifests, or that have
// settings of their own, are never touched, and later template changes do not reach them.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf } from '../../oci/digest.ts'
import { MediaType } from '../../oci/media-types.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { BlobService } from '../distribution/blob-service.ts'
import { ManifestService } from '../distribution/manifest-service.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import { fakeClock } from '../ports.ts'
import { MemoryDriver } from '../storage/memory/memory-driver.ts'
import { repositoriesConfig, templateFor } from './settings-config.ts'
import { RepositorySettingsService } from './settings-service.ts'

const policy = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } }] })

async function setup(templates: Record<string, unknown>) {
  const cfg = repositoriesConfig({}, templates)
  const store = new SqliteStore(':memory:')
  const clock = fakeClock()
  const blobs = new BlobService({ driver: new MemoryDriver(), store, clock })
  const settings = new RepositorySettingsService({ store, clock, defaults: { scanOnPush: () => false, template: (repo) => templateFor(cfg, repo) } })
  const manifests = new ManifestService({ store, blobs, clock, tagPolicy: settings, newRepository: settings })
  let pushes = 0
  /** Pushes a new image (another digest every time) as `repo`:`tag`. */
  const push = async (repo: string, tag: string) => {
    const r = repo as RepositoryName
    await blobs.putSmall(r, digestOf('{}'), new TextEncoder().encode('{}'))
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociEmpty, digest: digestOf('{}'), size: 2 }, layers: [], annotations: { n: String(++pushes) } }))
    return manifests.put(r, { kind: 'tag', tag: tag as Tag }, body)
  }
  return { store, settings, push }
}

describe('repository creation templates', () => {
  it('first push into a new repository under the prefix: the template becomes its own settings', async () => {
    const { settings, push } = await setup({ prod: { imageTagMutability: 'IMMUTABLE', scanOnPush: true, lifecyclePolicy: policy }, 'prod/legacy': { imageTagMutability: 'MUTABLE' } })
    await push('prod/api', 'v1')
    const view = await settings.view('prod/api' as RepositoryName)
    assert.deepEqual(view.stored, { imageTagMutability: 'IMMUTABLE', scanOnPush: true, lifecyclePolicy: policy })
    await assert.rejects(push('prod/api', 'v1'), /tag v1 is immutable in prod\/api/)
    await push('prod/legacy/app', 'v1')
    assert.deepEqual((await settings.view('prod/legacy/app' as RepositoryName)).stored, { imageTagMutability: 'MUTABLE' }, 'the longest prefix')
    await push('dev/app', 'v1')
    assert.deepEqual((await settings.view('dev/app' as RepositoryName)).stored, {}, 'no template, nothing stored')
  })

  it('never touches a repository that holds manifests or has settings of its own', async () => {
    const before = await setup({})
    await before.push('prod/old', 'v1')
    // Same database, a template configured later (a restart with a new config file).
    const cfg = repositoriesConfig({}, { prod: { imageTagMutability: 'IMMUTABLE' } })
    const later = new RepositorySettingsService({ store: before.store, clock: fakeClock(), defaults: { scanOnPush: () => false, template: (repo) => templateFor(cfg, repo) } })
    await later.adoptTemplate(before.store, 'prod/old' as RepositoryName)
    assert.deepEqual((await later.view('prod/old' as RepositoryName)).stored, {})
    await later.put('prod/own' as RepositoryName, { scanOnPush: false })
    await later.adoptTemplate(before.store, 'prod/own' as RepositoryName)
    assert.deepEqual((await later.view('prod/own' as RepositoryName)).stored, { scanOnPush: false })
  })

  it('explicit creation: the request\'s fields win; its mutability comes with its own filters', async () => {
    const { settings } = await setup({ prod: { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }], scanOnPush: true } })
    const a = await settings.create('prod/a' as RepositoryName, { scanOnPush: false })
    assert.deepEqual(a.stored, { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }], scanOnPush: false })
    const b = await settings.create('prod/b' as RepositoryName, { imageTagMutability: 'IMMUTABLE' })
    assert.deepEqual(b.stored, { imageTagMutability: 'IMMUTABLE', scanOnPush: true })
  })
})
