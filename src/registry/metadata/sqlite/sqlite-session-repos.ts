// RefreshTokenRepo and LoginFailureRepo on node:sqlite (tables from migration 4). Shares the
// store's connection, like sqlite-auth-repos.ts.
import type { DatabaseSync } from 'node:sqlite'
import type { LoginFailureRecord, LoginFailureRepo, RefreshTokenRecord, RefreshTokenRepo } from '../auth-store.ts'

type Row = Record<string, unknown>

const date = (v: unknown): Date => new Date(Number(v))

function toRefresh(r: Row): RefreshTokenRecord {
  return {
    id: r['id'] as string,
    owner: r['owner'] as string,
    clientId: r['client_id'] as string,
    secretHash: r['secret_hash'] as string,
    ...(r['credential_id'] == null ? {} : { credentialId: r['credential_id'] as string }),
    createdAt: date(r['created_at']),
    expiresAt: date(r['expires_at']),
    ...(r['revoked_at'] == null ? {} : { revokedAt: date(r['revoked_at']) }),
    ...(r['last_used_at'] == null ? {} : { lastUsedAt: date(r['last_used_at']) }),
  }
}

function toFailure(r: Row): LoginFailureRecord {
  return { key: r['key'] as string, failures: Number(r['failures']), lockedUntil: date(r['locked_until']), updatedAt: date(r['updated_at']) }
}

export function sqliteRefreshTokenRepo(db: DatabaseSync): RefreshTokenRepo {
  const q = (sql: string) => db.prepare(sql)
  return {
    create: async (t) =>
      void q(`INSERT INTO refresh_tokens(id, owner, client_id, secret_hash, credential_id, created_at, expires_at)
              VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
        t.id, t.owner, t.clientId, t.secretHash, t.credentialId ?? null, t.createdAt.getTime(), t.expiresAt.getTime(),
      ),
    get: async (id) => {
      const r = q('SELECT * FROM refresh_tokens WHERE id = ?').get(id) as Row | undefined
      return r ? toRefresh(r) : undefined
    },
    listByOwner: async (owner) => (q('SELECT * FROM refresh_tokens WHERE owner = ? ORDER BY created_at, id').all(owner) as Row[]).map(toRefresh),
    revoke: async (id, at) => Number(q('UPDATE refresh_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at.getTime(), id).changes) > 0,
    revokeAllOf: async (owner, at) =>
      Number(q('UPDATE refresh_tokens SET revoked_at = ? WHERE owner = ? AND revoked_at IS NULL').run(at.getTime(), owner).changes),
    touch: async (id, at) => void q('UPDATE refresh_tokens SET last_used_at = ? WHERE id = ?').run(at.getTime(), id),
  }
}

export function sqliteLoginFailureRepo(db: DatabaseSync): LoginFailureRepo {
  const q = (sql: string) => db.prepare(sql)
  return {
    get: async (keys) => keys.flatMap((k) => {
      const r = q('SELECT * FROM login_failures WHERE key = ?').get(k) as Row | undefined
      return r ? [toFailure(r)] : []
    }),
    put: async (f) =>
      void q(`INSERT INTO login_failures(key, failures, locked_until, updated_at) VALUES (?, ?, ?, ?)
              ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
              updated_at = excluded.updated_at`).run(f.key, f.failures, f.lockedUntil.getTime(), f.updatedAt.getTime()),
    delete: async (keys) => {
      for (const k of keys) q('DELETE FROM login_failures WHERE key = ?').run(k)
    },
    prune: async (before, max) => {
      q('DELETE FROM login_failures WHERE updated_at < ?').run(before.getTime())
      q(`DELETE FROM login_failures WHERE key IN
         (SELECT key FROM login_failures ORDER BY updated_at DESC LIMIT -1 OFFSET ?)`).run(max)
    },
  }
}
