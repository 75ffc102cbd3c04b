// GcRepo on node:sqlite (tables from migration 6). Shares the store's connection. Each method
// runs its statements synchronously, without yielding, so no other request's statement can
// slip between a check and the write that depends on it (see gc-store.ts).
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Digest } from '../../../oci/digest.ts'
import type { BlobDeletion, GcRepo } from '../gc-store.ts'

type Row = Record<string, unknown>

export function sqliteGcRepo(db: DatabaseSync): GcRepo {
  const statements = new Map<string, StatementSync>()
  const q = (sql: string): StatementSync => {
    let st = statements.get(sql)
    if (st === undefined) {
      st = db.prepare(sql)
      statements.set(sql, st)
    }
    return st
  }
  const deleting = (digest: Digest): boolean => q('SELECT 1 FROM gc_deletions WHERE digest = ?').get(digest) !== undefined
  const pin = (digest: Digest, at: number): void =>
    void q(`INSERT INTO blob_pins(digest, pinned_at) VALUES (?, ?)
            ON CONFLICT(digest) DO UPDATE SET pinned_at = max(pinned_at, excluded.pinned_at)`).run(digest, at)
  const isLive = (digest: Digest, cutoff: number): boolean =>
    deleting(digest) ||
    q('SELECT 1 FROM manifests WHERE digest = ? LIMIT 1').get(digest) !== undefined ||
    q('SELECT 1 FROM repository_blobs WHERE digest = ? AND created_at >= ? LIMIT 1').get(digest, cutoff) !== undefined ||
    q('SELECT 1 FROM blob_pins WHERE digest = ? AND pinned_at >= ?').get(digest, cutoff) !== undefined
  const digests = (sql: string, last: string | undefined, n: number): Digest[] =>
    (q(sql).all(last ?? '', n) as Row[]).map((r) => r['digest'] as Digest)

  return {
    pin: async (digest, at) => {
      if (deleting(digest)) return false
      pin(digest, at.getTime())
      return true
    },
    pinnedAt: async (digest) => {
      const r = q('SELECT pinned_at FROM blob_pins WHERE digest = ?').get(digest) as Row | undefined
      return r ? new Date(Number(r['pinned_at'])) : undefined
    },
    pinLinked: async (repo, list, at) => {
      const missing: Digest[] = []
      for (const digest of list) {
        const linked = q('SELECT 1 FROM repository_blobs WHERE repo = ? AND digest = ?').get(repo, digest) !== undefined
        if (!linked || deleting(digest)) missing.push(digest)
        else pin(digest, at.getTime())
      }
      return missing
    },
    manifestDigests: async (page) =>
      digests('SELECT DISTINCT digest FROM manifests WHERE digest > ? ORDER BY digest LIMIT ?', page.last, page.n),
    linkedDigests: async (page) =>
      digests('SELECT DISTINCT digest FROM repository_blobs WHERE digest > ? ORDER BY digest LIMIT ?', page.last, page.n),
    isLive: async (digest, cutoff) => isLive(digest, cutoff.getTime()),
    claim: async (list, cutoff, runId, at) =>
      list.map((digest) => {
        if (isLive(digest, cutoff.getTime())) return undefined
        q('INSERT INTO gc_deletions(digest, run_id, started_at) VALUES (?, ?, ?)').run(digest, runId, at.getTime())
        return Number(q('DELETE FROM repository_blobs WHERE digest = ?').run(digest).changes)
      }),
    release: async (list) => {
      for (const digest of list) {
        q('DELETE FROM blob_pins WHERE digest = ?').run(digest)
        q('DELETE FROM gc_deletions WHERE digest = ?').run(digest)
      }
    },
    deletions: async (limit) =>
      (q('SELECT * FROM gc_deletions ORDER BY started_at, digest LIMIT ?').all(limit) as Row[]).map((r): BlobDeletion => ({
        digest: r['digest'] as Digest,
        runId: r['run_id'] as string,
        startedAt: new Date(Number(r['started_at'])),
      })),
    prunePins: async (before) => Number(q('DELETE FROM blob_pins WHERE pinned_at < ?').run(before.getTime()).changes),
    acquireLease: async (name, owner, now, ttlMs) => {
      const r = q(`INSERT INTO gc_leases(name, owner, expires_at) VALUES (?, ?, ?)
                   ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                   WHERE gc_leases.owner = excluded.owner OR gc_leases.expires_at <= ?`)
        .run(name, owner, now.getTime() + ttlMs, now.getTime())
      return Number(r.changes) > 0
    },
    releaseLease: async (name, owner) => void q('DELETE FROM gc_leases WHERE name = ? AND owner = ?').run(name, owner),
  }
}
