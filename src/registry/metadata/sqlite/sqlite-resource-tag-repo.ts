// ResourceTagRepo on node:sqlite (table from migration 12). Shares the store's connection.
import type { DatabaseSync } from 'node:sqlite'
import type { ResourceTagRepo } from '../resource-tag-store.ts'

type Row = Record<string, unknown>

export function sqliteResourceTagRepo(db: DatabaseSync): ResourceTagRepo {
  const list = db.prepare('SELECT key, value FROM repository_resource_tags WHERE repo = ? ORDER BY key')
  const put = db.prepare('INSERT INTO repository_resource_tags(repo, key, value) VALUES (?, ?, ?) ON CONFLICT(repo, key) DO UPDATE SET value = excluded.value')
  const remove = db.prepare('DELETE FROM repository_resource_tags WHERE repo = ? AND key = ?')
  return {
    list: async (repo) => (list.all(repo) as Row[]).map((r) => ({ key: r['key'] as string, value: r['value'] as string })),
    put: async (repo, tags) => {
      for (const t of tags) put.run(repo, t.key, t.value)
    },
    remove: async (repo, keys) => {
      for (const k of keys) remove.run(repo, k)
    },
  }
}
