// LifecycleRepo on node:sqlite (table `expired_manifests` from migration 11, `lifecycle_evaluations`
// from 13). Shares the store's connection.
import type { DatabaseSync } from 'node:sqlite'
import type { Digest } from '../../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../../oci/reference.ts'
import type { ExpiredManifestRecord, LifecycleRepo } from '../lifecycle-store.ts'

type Row = Record<string, unknown>

function toRecord(r: Row): ExpiredManifestRecord {
  return {
    repo: r['repo'] as RepositoryName,
    digest: r['digest'] as Digest,
    tags: JSON.parse(r['tags'] as string) as Tag[],
    expiredAt: new Date(Number(r['expired_at'])),
    rulePriority: Number(r['rule_priority']),
    ...(r['description'] == null ? {} : { description: r['description'] as string }),
    ...(r['carried_by'] == null ? {} : { carriedBy: r['carried_by'] as Digest }),
  }
}

export function sqliteLifecycleRepo(db: DatabaseSync): LifecycleRepo {
  const expire = db.prepare(`
    INSERT INTO expired_manifests(repo, digest, tags, expired_at, rule_priority, description, carried_by) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(repo, digest) DO UPDATE SET tags = excluded.tags, expired_at = excluded.expired_at, rule_priority = excluded.rule_priority,
      description = excluded.description, carried_by = excluded.carried_by`)
  const get = db.prepare('SELECT * FROM expired_manifests WHERE repo = ? AND digest = ?')
  const listImages = db.prepare('SELECT * FROM expired_manifests WHERE repo = ? AND carried_by IS NULL AND digest > ? ORDER BY digest LIMIT ?')
  const carried = db.prepare('SELECT * FROM expired_manifests WHERE repo = ? AND carried_by = ? ORDER BY digest')
  const before = db.prepare('SELECT * FROM expired_manifests WHERE expired_at < ? ORDER BY expired_at, repo, digest LIMIT ?')
  const beforeIn = db.prepare('SELECT * FROM expired_manifests WHERE repo = ? AND expired_at < ? ORDER BY expired_at, digest LIMIT ?')
  const forget = db.prepare('DELETE FROM expired_manifests WHERE repo = ? AND digest = ?')
  // Replicas may record out of order: the later time wins.
  const evaluated = db.prepare(`INSERT INTO lifecycle_evaluations(repo, evaluated_at) VALUES (?, ?)
    ON CONFLICT(repo) DO UPDATE SET evaluated_at = max(evaluated_at, excluded.evaluated_at)`)
  const lastEvaluation = db.prepare('SELECT evaluated_at FROM lifecycle_evaluations WHERE repo = ?')
  return {
    expire: async (m) =>
      void expire.run(m.repo, m.digest, JSON.stringify(m.tags), m.expiredAt.getTime(), m.rulePriority, m.description ?? null, m.carriedBy ?? null),
    get: async (repo, digest) => {
      const r = get.get(repo, digest) as Row | undefined
      return r ? toRecord(r) : undefined
    },
    listImages: async (repo, page) => (listImages.all(repo, page.last ?? '', page.n) as Row[]).map(toRecord),
    carried: async (repo, image) => (carried.all(repo, image) as Row[]).map(toRecord),
    expiredBefore: async (at, limit, repo) =>
      ((repo === undefined ? before.all(at.getTime(), limit) : beforeIn.all(repo, at.getTime(), limit)) as Row[]).map(toRecord),
    forget: async (repo, digest) => Number(forget.run(repo, digest).changes) > 0,
    recordEvaluation: async (repo, at) => void evaluated.run(repo, at.getTime()),
    lastEvaluation: async (repo) => {
      const r = lastEvaluation.get(repo) as Row | undefined
      return r === undefined ? undefined : new Date(Number(r['evaluated_at']))
    },
  }
}
