// LifecyclePreviewRepo on node:sqlite (table from migration 13). Shares the store's connection.
import type { DatabaseSync } from 'node:sqlite'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { LifecyclePreviewRepo, LifecyclePreviewStatus } from '../lifecycle-preview-store.ts'

type Row = Record<string, unknown>

export function sqliteLifecyclePreviewRepo(db: DatabaseSync): LifecyclePreviewRepo {
  // One statement: the busy check and the write cannot be split by another replica's start.
  const start = db.prepare(`
    INSERT INTO lifecycle_previews(repo, status, policy_text, started_at) VALUES (?, 'IN_PROGRESS', ?, ?)
    ON CONFLICT(repo) DO UPDATE SET status = 'IN_PROGRESS', policy_text = excluded.policy_text, started_at = excluded.started_at,
      finished_at = NULL, result = NULL, description = NULL
    WHERE lifecycle_previews.status <> 'IN_PROGRESS' OR lifecycle_previews.started_at < ?`)
  const finish = db.prepare(`
    UPDATE lifecycle_previews SET status = ?, finished_at = ?, result = ?, description = ?
    WHERE repo = ? AND started_at = ? AND status = 'IN_PROGRESS'`)
  const get = db.prepare('SELECT * FROM lifecycle_previews WHERE repo = ?')
  return {
    start: async (repo, policyText, at, busySince) => Number(start.run(repo, policyText, at.getTime(), busySince.getTime()).changes) > 0,
    finish: async (repo, startedAt, o) =>
      Number(finish.run(o.status, o.at.getTime(), o.result ?? null, o.description ?? null, repo, startedAt.getTime()).changes) > 0,
    get: async (repo) => {
      const r = get.get(repo) as Row | undefined
      if (!r) return undefined
      return {
        repo: r['repo'] as RepositoryName,
        status: r['status'] as LifecyclePreviewStatus,
        policyText: r['policy_text'] as string,
        startedAt: new Date(Number(r['started_at'])),
        ...(r['finished_at'] == null ? {} : { finishedAt: new Date(Number(r['finished_at'])) }),
        ...(r['result'] == null ? {} : { result: r['result'] as string }),
        ...(r['description'] == null ? {} : { description: r['description'] as string }),
      }
    },
  }
}
