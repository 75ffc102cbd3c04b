// PullRepo on node:sqlite (table from migration 10). Shares the store's connection.
import type { DatabaseSync } from 'node:sqlite'
import type { Digest } from '../../../oci/digest.ts'
import type { PullRepo } from '../pull-store.ts'

type Row = Record<string, unknown>

export function sqlitePullRepo(db: DatabaseSync): PullRepo {
  // Only for a manifest that is still stored: a pull flushed after a delete must not leave an orphan row.
  const record = db.prepare(`
    INSERT INTO image_pulls(repo, digest, last_pulled_at)
    SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM manifests WHERE repo = ?1 AND digest = ?2)
    ON CONFLICT(repo, digest) DO UPDATE SET last_pulled_at = max(last_pulled_at, excluded.last_pulled_at)`)
  const get = db.prepare('SELECT last_pulled_at FROM image_pulls WHERE repo = ? AND digest = ?')
  return {
    record: async (pulls) => {
      for (const p of pulls) record.run(p.repo, p.digest, p.at.getTime())
    },
    lastPulled: async (repo, digests) => {
      const out = new Map<Digest, Date>()
      for (const digest of digests) {
        const r = get.get(repo, digest) as Row | undefined
        if (r) out.set(digest, new Date(Number(r['last_pulled_at'])))
      }
      return out
    },
  }
}
