// RepositorySettingsRepo on node:sqlite (table from migration 8). Shares the store's connection.
import type { DatabaseSync } from 'node:sqlite'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { MutabilityExclusionFilter, RepositorySettingsRecord, RepositorySettingsRepo, TagMutability } from '../settings-store.ts'

type Row = Record<string, unknown>

function toRecord(r: Row): RepositorySettingsRecord {
  return {
    repo: r['repo'] as RepositoryName,
    ...(r['scan_on_push'] == null ? {} : { scanOnPush: Number(r['scan_on_push']) === 1 }),
    ...(r['tag_mutability'] == null ? {} : { imageTagMutability: r['tag_mutability'] as TagMutability }),
    ...(r['mutability_filters'] == null ? {} : { imageTagMutabilityExclusionFilters: JSON.parse(r['mutability_filters'] as string) as MutabilityExclusionFilter[] }),
    ...(r['lifecycle_policy'] == null ? {} : { lifecyclePolicy: r['lifecycle_policy'] as string }),
    createdAt: new Date(Number(r['created_at'])),
    updatedAt: new Date(Number(r['updated_at'])),
  }
}

export function sqliteSettingsRepo(db: DatabaseSync): RepositorySettingsRepo {
  const get = db.prepare('SELECT * FROM repository_settings WHERE repo = ?')
  const put = db.prepare(`
    INSERT INTO repository_settings(repo, scan_on_push, tag_mutability, mutability_filters, lifecycle_policy, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(repo) DO UPDATE SET scan_on_push = excluded.scan_on_push, tag_mutability = excluded.tag_mutability,
      mutability_filters = excluded.mutability_filters, lifecycle_policy = excluded.lifecycle_policy, updated_at = excluded.updated_at`)
  return {
    get: async (repo) => {
      const r = get.get(repo) as Row | undefined
      return r ? toRecord(r) : undefined
    },
    put: async (repo, s, at) =>
      void put.run(
        repo,
        s.scanOnPush === undefined ? null : s.scanOnPush ? 1 : 0,
        s.imageTagMutability ?? null,
        s.imageTagMutabilityExclusionFilters === undefined ? null : JSON.stringify(s.imageTagMutabilityExclusionFilters),
        s.lifecyclePolicy ?? null,
        at.getTime(),
        at.getTime(),
      ),
  }
}
