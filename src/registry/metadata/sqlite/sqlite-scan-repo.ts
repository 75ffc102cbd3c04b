// ScanRepo on node:sqlite (table from migration 3). Every state change is a single statement
// (UPDATE … RETURNING for claims), so it is atomic without an explicit transaction and can run
// while SqliteStore.transaction() holds the shared connection.
import type { DatabaseSync } from 'node:sqlite'
import type { Digest } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { emptyCounts, REPORT_SEVERITIES } from '../../../scanner/report/severity-scale.ts'
import type { ScanRecord, ScanRepo, ScanStatus } from '../scan-store.ts'

type Row = Record<string, unknown>

function toScan(r: Row): ScanRecord {
  const opt = (key: string, col: string, asDate = false): Record<string, unknown> =>
    r[col] == null ? {} : { [key]: asDate ? new Date(Number(r[col])) : r[col] }
  return {
    repo: r['repo'] as RepositoryName,
    digest: r['digest'] as Digest,
    status: r['status'] as ScanStatus,
    attempts: Number(r['attempts']),
    queuedAt: new Date(Number(r['queued_at'])),
    notBefore: new Date(Number(r['not_before'])),
    ...opt('description', 'description'),
    ...opt('leaseOwner', 'lease_owner'),
    ...opt('leaseExpiresAt', 'lease_expires_at', true),
    ...opt('completedAt', 'completed_at', true),
    ...opt('scannerVersion', 'scanner_version'),
    ...opt('advisoryVersion', 'advisory_version'),
    ...opt('result', 'result'),
  } as ScanRecord
}

export function sqliteScanRepo(db: DatabaseSync): ScanRepo {
  const q = (sql: string) => db.prepare(sql)
  const held = 'repo = ? AND digest = ? AND status = \'IN_PROGRESS\' AND lease_owner = ?'
  return {
    enqueue: async (repo, digest, at) =>
      void q(`INSERT INTO image_scans(repo, digest, status, attempts, queued_at, not_before) VALUES (?, ?, 'PENDING', 0, ?, ?)
              ON CONFLICT(repo, digest) DO UPDATE SET status = 'PENDING', attempts = 0, description = NULL,
                queued_at = excluded.queued_at, not_before = excluded.not_before, lease_owner = NULL, lease_expires_at = NULL`)
        .run(repo, digest, at.getTime(), at.getTime()),
    get: async (repo, digest) => {
      const r = q('SELECT * FROM image_scans WHERE repo = ? AND digest = ?').get(repo, digest) as Row | undefined
      return r ? toScan(r) : undefined
    },
    claim: async (owner, now, leaseMs, limit) => {
      const t = now.getTime()
      const rows = q(`UPDATE image_scans SET status = 'IN_PROGRESS', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
        WHERE (repo, digest) IN (
          SELECT repo, digest FROM image_scans
          WHERE (status = 'PENDING' AND not_before <= ?) OR (status = 'IN_PROGRESS' AND lease_expires_at <= ?)
          ORDER BY queued_at LIMIT ?)
        RETURNING *`).all(owner, t + leaseMs, t, t, limit) as Row[]
      return rows.map(toScan).sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime())
    },
    renew: async (repo, digest, owner, until) =>
      Number(q(`UPDATE image_scans SET lease_expires_at = ? WHERE ${held}`).run(until.getTime(), repo, digest, owner).changes) > 0,
    finish: async (repo, digest, owner, o) =>
      Number(q(`UPDATE image_scans SET status = ?, description = ?, completed_at = ?, lease_owner = NULL, lease_expires_at = NULL,
          scanner_version = COALESCE(?, scanner_version), advisory_version = COALESCE(?, advisory_version), result = COALESCE(?, result)
        WHERE ${held}`).run(
        o.status, o.description ?? null, o.at.getTime(), o.scannerVersion ?? null, o.advisoryVersion ?? null, o.result ?? null, repo, digest, owner,
      ).changes) > 0,
    retry: async (repo, digest, owner, notBefore, description) =>
      Number(q(`UPDATE image_scans SET status = 'PENDING', not_before = ?, description = ?, lease_owner = NULL, lease_expires_at = NULL
        WHERE ${held}`).run(notBefore.getTime(), description, repo, digest, owner).changes) > 0,
    manifestsOf: async (repo, limit) =>
      (q('SELECT digest FROM manifests WHERE repo = ? ORDER BY digest LIMIT ?').all(repo, limit) as Row[]).map((r) => r['digest'] as Digest),
    nextDue: async () => {
      const r = q(`SELECT MIN(CASE WHEN status = 'PENDING' THEN not_before ELSE lease_expires_at END) AS due
        FROM image_scans WHERE status IN ('PENDING', 'IN_PROGRESS')`).get() as Row | undefined
      return r?.['due'] == null ? undefined : new Date(Number(r['due']))
    },
    queueDepth: async () => {
      const r = q(`SELECT COUNT(*) FILTER (WHERE status = 'PENDING') AS pending, COUNT(*) FILTER (WHERE status = 'IN_PROGRESS') AS running
        FROM image_scans WHERE status IN ('PENDING', 'IN_PROGRESS')`).get() as Row
      return { pending: Number(r['pending'] ?? 0), inProgress: Number(r['running'] ?? 0) }
    },
    findingsBySeverity: async () => {
      // One pass over the stored results; json_each walks each document's images.
      const sums = REPORT_SEVERITIES.map((s) => `COALESCE(SUM(json_extract(img.value, '$.report.counts.${s}')), 0) AS ${s}`).join(', ')
      const r = q(`SELECT ${sums} FROM image_scans AS s, json_each(s.result, '$.images') AS img
        WHERE s.result IS NOT NULL AND json_valid(s.result)`).get() as Row
      const counts = emptyCounts()
      for (const sev of REPORT_SEVERITIES) counts[sev] = Number(r[sev] ?? 0)
      return counts
    },
  }
}
