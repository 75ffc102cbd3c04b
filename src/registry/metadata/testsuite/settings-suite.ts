/**
 * RepositorySettingsRepo cases of the metadata conformance suite (run by runMetadataSuite for
 * every backend): settings round-trip exactly, absent fields stay unset, a write replaces the
 * whole row and keeps createdAt.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { digestOf } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { MetadataStore } from '../store.ts'

const repo = 'team/app' as RepositoryName
const t0 = new Date('2026-01-01T00:00:00Z')
const t1 = new Date('2026-01-02T00:00:00Z')

export function runSettingsSuite(name: string, withStore: (fn: (s: MetadataStore) => Promise<void>) => () => Promise<void>): void {
  describe(`repository settings suite: ${name}`, () => {
    it('unknown repository: no settings', withStore(async (s) => {
      assert.equal(await s.repositorySettings.get(repo), undefined)
    }))

    it('round-trips every field verbatim, and only the repository written', withStore(async (s) => {
      const policy = '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}'
      await s.repositorySettings.put(repo, {
        scanOnPush: false,
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }, { filterType: 'WILDCARD', filter: 'latest' }],
        lifecyclePolicy: policy,
      }, t0)
      assert.deepEqual(await s.repositorySettings.get(repo), {
        repo, scanOnPush: false, imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }, { filterType: 'WILDCARD', filter: 'latest' }],
        lifecyclePolicy: policy, createdAt: t0, updatedAt: t0,
      })
      assert.equal(await s.repositorySettings.get('team/other' as RepositoryName), undefined)
    }))

    it('a write replaces the whole row (absent fields become unset) and keeps createdAt', withStore(async (s) => {
      await s.repositorySettings.put(repo, { scanOnPush: true, imageTagMutability: 'IMMUTABLE', lifecyclePolicy: '{"rules":[]}' }, t0)
      await s.repositorySettings.put(repo, { imageTagMutability: 'MUTABLE' }, t1)
      assert.deepEqual(await s.repositorySettings.get(repo), { repo, imageTagMutability: 'MUTABLE', createdAt: t0, updatedAt: t1 })
      await s.repositorySettings.put(repo, {}, t1)
      assert.deepEqual(await s.repositorySettings.get(repo), { repo, createdAt: t0, updatedAt: t1 })
    }))

    it('hasManifests: false for an unknown repository and one with blobs only, true once a manifest is stored', withStore(async (s) => {
      assert.equal(await s.repositories.hasManifests(repo), false)
      await s.blobs.link(repo, digestOf('layer'), 5, t0)
      assert.equal(await s.repositories.hasManifests(repo), false)
      await s.manifests.put({ repo, digest: digestOf('m'), mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, pushedAt: t0 })
      assert.equal(await s.repositories.hasManifests(repo), true)
      assert.equal(await s.repositories.hasManifests('team/other' as RepositoryName), false)
    }))

    it('writes inside a transaction roll back with it', withStore(async (s) => {
      await assert.rejects(s.transaction(async (tx) => {
        await tx.repositorySettings.put(repo, { imageTagMutability: 'IMMUTABLE' }, t0)
        throw new Error('abort')
      }), /abort/)
      assert.equal(await s.repositorySettings.get(repo), undefined)
    }))
  })
}
