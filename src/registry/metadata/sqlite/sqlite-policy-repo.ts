// PolicyRepo on node:sqlite (tables from migration 9). Shares the store's connection. Each write
// and its generation bump run in one SAVEPOINT, which nests inside the store's transaction() too.
import type { DatabaseSync } from 'node:sqlite'
import type { PolicyExemption } from '../../policy/policy-source.ts'
import type { ExemptionRecord, PolicyRepo, StoredPolicyRecord } from '../policy-store.ts'

type Row = Record<string, unknown>

const iso = (ms: unknown): string => new Date(Number(ms)).toISOString()

function toPolicy(r: Row): StoredPolicyRecord {
  return {
    name: r['name'] as string,
    scope: r['scope'] as string,
    text: r['text'] as string,
    createdAt: new Date(Number(r['created_at'])),
    updatedAt: new Date(Number(r['updated_at'])),
    updatedBy: r['updated_by'] as string,
  }
}

function toExemption(r: Row): ExemptionRecord {
  return {
    id: r['id'] as string,
    repository: r['repo'] as string,
    digest: r['digest'] as string,
    reason: r['reason'] as string,
    createdBy: r['created_by'] as string,
    createdAt: iso(r['created_at']),
    expiresAt: iso(r['expires_at']),
    ...(r['revoked_at'] == null ? {} : { revokedAt: iso(r['revoked_at']), revokedBy: r['revoked_by'] as string }),
  }
}

/** The active exemption as the gate sees it: no revocation fields. */
function active(e: ExemptionRecord): PolicyExemption {
  return { id: e.id, repository: e.repository, digest: e.digest, reason: e.reason, createdBy: e.createdBy, createdAt: e.createdAt, expiresAt: e.expiresAt }
}

export function sqlitePolicyRepo(db: DatabaseSync): PolicyRepo {
  const bump = db.prepare('UPDATE policy_generation SET generation = generation + 1 WHERE id = 1')
  /** Runs `fn` and the generation bump atomically, only bumping when `fn` changed something. */
  const changing = <T>(fn: () => T, changed: (result: T) => boolean): T => {
    db.exec('SAVEPOINT policy_change')
    try {
      const result = fn()
      if (changed(result)) bump.run()
      db.exec('RELEASE policy_change')
      return result
    } catch (err) {
      db.exec('ROLLBACK TO policy_change')
      db.exec('RELEASE policy_change')
      throw err
    }
  }
  const getPolicy = db.prepare('SELECT * FROM deploy_policies WHERE name = ?')
  const upsert = db.prepare(`
    INSERT INTO deploy_policies(name, scope, text, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT(name) DO UPDATE SET scope = excluded.scope, text = excluded.text, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
  const getExemption = db.prepare('SELECT * FROM policy_exemptions WHERE id = ?')
  return {
    list: async () => (db.prepare('SELECT * FROM deploy_policies ORDER BY name').all() as Row[]).map(toPolicy),
    get: async (name) => {
      const r = getPolicy.get(name) as Row | undefined
      return r ? toPolicy(r) : undefined
    },
    put: async (p, at) => changing(() => {
      const existed = getPolicy.get(p.name) !== undefined
      upsert.run(p.name, p.scope, p.text, at.getTime(), at.getTime(), p.by)
      return existed ? 'replaced' as const : 'created' as const
    }, () => true),
    delete: async (name) => changing(() => Number(db.prepare('DELETE FROM deploy_policies WHERE name = ?').run(name).changes) > 0, (gone) => gone),

    addExemption: async (e) => changing(() => void db.prepare(
      'INSERT INTO policy_exemptions(id, repo, digest, reason, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(e.id, e.repository, e.digest, e.reason, e.createdBy, Date.parse(e.createdAt), Date.parse(e.expiresAt)), () => true),
    exemption: async (id) => {
      const r = getExemption.get(id) as Row | undefined
      return r ? toExemption(r) : undefined
    },
    exemptions: async (repository, limit) =>
      (db.prepare('SELECT * FROM policy_exemptions WHERE repo = ? ORDER BY created_at DESC, id LIMIT ?').all(repository, limit) as Row[]).map(toExemption),
    revokeExemption: async (id, by, at) => changing(
      () => Number(db.prepare('UPDATE policy_exemptions SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL').run(at.getTime(), by, id).changes) > 0,
      (revoked) => revoked,
    ),
    activeExemption: async (repository, digest, now) => {
      const r = db.prepare(
        'SELECT * FROM policy_exemptions WHERE repo = ? AND digest = ? AND expires_at > ? AND revoked_at IS NULL ORDER BY created_at DESC, id LIMIT 1',
      ).get(repository, digest, now.getTime()) as Row | undefined
      return r ? active(toExemption(r)) : undefined
    },
    generation: async () => Number((db.prepare('SELECT generation FROM policy_generation WHERE id = 1').get() as Row)['generation']),
  }
}
