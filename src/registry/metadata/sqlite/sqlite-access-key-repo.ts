// AccessKeyRepo on node:sqlite (table from migration 12). Shares the store's connection.
import type { DatabaseSync } from 'node:sqlite'
import type { AccessKeyRecord, AccessKeyRepo } from '../access-key-store.ts'

type Row = Record<string, unknown>

function toRecord(r: Row): AccessKeyRecord {
  return {
    id: r['id'] as string,
    owner: r['owner'] as string,
    sealedSecret: r['sealed_secret'] as string,
    createdAt: new Date(Number(r['created_at'])),
    ...(r['expires_at'] == null ? {} : { expiresAt: new Date(Number(r['expires_at'])) }),
    ...(r['last_used_at'] == null ? {} : { lastUsedAt: new Date(Number(r['last_used_at'])) }),
  }
}

export function sqliteAccessKeyRepo(db: DatabaseSync): AccessKeyRepo {
  const insert = db.prepare(`INSERT INTO access_keys(id, owner, sealed_secret, created_at, expires_at)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
  const get = db.prepare('SELECT * FROM access_keys WHERE id = ?')
  const byOwner = db.prepare('SELECT * FROM access_keys WHERE owner = ? ORDER BY created_at, id')
  const del = db.prepare('DELETE FROM access_keys WHERE id = ?')
  const touch = db.prepare('UPDATE access_keys SET last_used_at = ? WHERE id = ?')
  return {
    create: async (k) => Number(insert.run(k.id, k.owner, k.sealedSecret, k.createdAt.getTime(), k.expiresAt?.getTime() ?? null).changes) > 0,
    get: async (id) => {
      const r = get.get(id) as Row | undefined
      return r ? toRecord(r) : undefined
    },
    listByOwner: async (owner) => (byOwner.all(owner) as Row[]).map(toRecord),
    delete: async (id) => Number(del.run(id).changes) > 0,
    touch: async (id, at) => void touch.run(at.getTime(), id),
  }
}
