// WebhookRepo on node:sqlite (tables from migration 14). Claims are one UPDATE … RETURNING, so
// they are atomic without an explicit transaction; every write to a held delivery checks the lease.
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import {
  MAX_DELIVERY_HISTORY, type DeliveryAttempt, type DeliveryRecord, type DeliveryStatus, type WebhookFormat, type WebhookRecord, type WebhookRepo,
} from '../webhook-store.ts'

type Row = Record<string, unknown>

function toWebhook(r: Row): WebhookRecord {
  return {
    id: r['id'] as string,
    namespace: r['namespace'] as string,
    url: r['url'] as string,
    sealedSecret: r['sealed_secret'] as string,
    eventTypes: JSON.parse(r['event_types'] as string) as string[],
    ...(r['min_severity'] == null ? {} : { minSeverity: r['min_severity'] as string }),
    ...(r['repository_pattern'] == null ? {} : { repositoryPattern: r['repository_pattern'] as string }),
    format: r['format'] as WebhookFormat,
    enabled: Number(r['enabled']) === 1,
    createdAt: new Date(Number(r['created_at'])),
    updatedAt: new Date(Number(r['updated_at'])),
    createdBy: r['created_by'] as string,
  }
}

interface StoredAttempt { at: number; statusCode?: number; responseBody?: string; error?: string }

function toAttempt(a: StoredAttempt): DeliveryAttempt {
  return {
    at: new Date(a.at),
    ...(a.statusCode === undefined ? {} : { statusCode: a.statusCode }),
    ...(a.responseBody === undefined ? {} : { responseBody: a.responseBody }),
    ...(a.error === undefined ? {} : { error: a.error }),
  }
}

function fromAttempt(a: DeliveryAttempt): StoredAttempt {
  return {
    at: a.at.getTime(),
    ...(a.statusCode === undefined ? {} : { statusCode: a.statusCode }),
    ...(a.responseBody === undefined ? {} : { responseBody: a.responseBody }),
    ...(a.error === undefined ? {} : { error: a.error }),
  }
}

function toDelivery(r: Row): DeliveryRecord {
  const history = (JSON.parse(r['history'] as string) as StoredAttempt[]).map(toAttempt)
  const last = history.at(-1)
  return {
    id: r['id'] as string,
    webhookId: r['webhook_id'] as string,
    eventId: r['event_id'] as string,
    eventType: r['event_type'] as string,
    event: r['event'] as string,
    status: r['status'] as DeliveryStatus,
    attempts: Number(r['attempts']),
    notBefore: new Date(Number(r['not_before'])),
    ...(r['lease_owner'] == null ? {} : { leaseOwner: r['lease_owner'] as string }),
    ...(r['lease_expires_at'] == null ? {} : { leaseExpiresAt: new Date(Number(r['lease_expires_at'])) }),
    ...(last === undefined ? {} : { lastAttempt: last }),
    history,
    createdAt: new Date(Number(r['created_at'])),
    updatedAt: new Date(Number(r['updated_at'])),
    ...(r['completed_at'] == null ? {} : { completedAt: new Date(Number(r['completed_at'])) }),
  }
}

export function sqliteWebhookRepo(db: DatabaseSync): WebhookRepo {
  const statements = new Map<string, StatementSync>()
  const q = (sql: string): StatementSync => {
    let st = statements.get(sql)
    if (st === undefined) {
      st = db.prepare(sql)
      statements.set(sql, st)
    }
    return st
  }
  const held = "id = ? AND status = 'IN_PROGRESS' AND lease_owner = ?"
  /** The history with `attempt` appended, bounded; undefined when `owner` does not hold the delivery. */
  const appended = (id: string, owner: string, attempt: DeliveryAttempt): string | undefined => {
    const r = q(`SELECT history FROM webhook_deliveries WHERE ${held}`).get(id, owner) as Row | undefined
    if (r === undefined) return undefined
    const history = [...(JSON.parse(r['history'] as string) as StoredAttempt[]), fromAttempt(attempt)]
    return JSON.stringify(history.slice(-MAX_DELIVERY_HISTORY))
  }

  return {
    create: async (w) => {
      q(`INSERT INTO webhooks(id, namespace, url, sealed_secret, event_types, min_severity, repository_pattern, format, enabled, created_at, updated_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        w.id, w.namespace, w.url, w.sealedSecret, JSON.stringify(w.eventTypes), w.minSeverity ?? null, w.repositoryPattern ?? null,
        w.format, w.enabled ? 1 : 0, w.createdAt.getTime(), w.updatedAt.getTime(), w.createdBy,
      )
    },
    get: async (id) => {
      const r = q('SELECT * FROM webhooks WHERE id = ?').get(id) as Row | undefined
      return r ? toWebhook(r) : undefined
    },
    list: async (namespace) => (q('SELECT * FROM webhooks WHERE namespace = ? ORDER BY created_at, id').all(namespace) as Row[]).map(toWebhook),
    update: async (id, p, at) => {
      const r = q('SELECT * FROM webhooks WHERE id = ?').get(id) as Row | undefined
      if (r === undefined) return undefined
      const w = toWebhook(r)
      const minSeverity = p.minSeverity === undefined ? w.minSeverity : p.minSeverity
      const pattern = p.repositoryPattern === undefined ? w.repositoryPattern : p.repositoryPattern
      q(`UPDATE webhooks SET url = ?, event_types = ?, min_severity = ?, repository_pattern = ?, format = ?, enabled = ?, updated_at = ? WHERE id = ?`).run(
        p.url ?? w.url, JSON.stringify(p.eventTypes ?? w.eventTypes), minSeverity ?? null, pattern ?? null, p.format ?? w.format,
        (p.enabled ?? w.enabled) ? 1 : 0, at.getTime(), id,
      )
      const after = q('SELECT * FROM webhooks WHERE id = ?').get(id) as Row | undefined
      return after ? toWebhook(after) : undefined
    },
    delete: async (id) => {
      q('DELETE FROM webhook_deliveries WHERE webhook_id = ?').run(id)
      return Number(q('DELETE FROM webhooks WHERE id = ?').run(id).changes) > 0
    },

    enqueue: async (deliveries, at) => {
      const t = at.getTime()
      for (const d of deliveries) {
        q(`INSERT INTO webhook_deliveries(id, webhook_id, event_id, event_type, event, status, attempts, not_before, history, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, '[]', ?, ?) ON CONFLICT DO NOTHING`).run(d.id, d.webhookId, d.eventId, d.eventType, d.event, t, t, t)
      }
    },
    claim: async (owner, now, leaseMs, limit) => {
      const t = now.getTime()
      const rows = q(`UPDATE webhook_deliveries SET status = 'IN_PROGRESS', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
        WHERE id IN (
          SELECT id FROM webhook_deliveries
          WHERE (status = 'PENDING' AND not_before <= ?) OR (status = 'IN_PROGRESS' AND lease_expires_at <= ?)
          ORDER BY created_at, id LIMIT ?)
        RETURNING *`).all(owner, t + leaseMs, t, t, t, limit) as Row[]
      return rows.map(toDelivery).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    },
    finish: async (id, owner, status, attempt) => {
      const history = appended(id, owner, attempt)
      if (history === undefined) return false
      const t = attempt.at.getTime()
      return Number(q(`UPDATE webhook_deliveries SET status = ?, history = ?, completed_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
        WHERE ${held}`).run(status, history, t, t, id, owner).changes) > 0
    },
    retry: async (id, owner, notBefore, attempt) => {
      const history = appended(id, owner, attempt)
      if (history === undefined) return false
      return Number(q(`UPDATE webhook_deliveries SET status = 'PENDING', not_before = ?, history = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
        WHERE ${held}`).run(notBefore.getTime(), history, attempt.at.getTime(), id, owner).changes) > 0
    },
    release: async (id, owner) =>
      Number(q(`UPDATE webhook_deliveries SET status = 'PENDING', attempts = MAX(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL
        WHERE ${held}`).run(id, owner).changes) > 0,
    redeliver: async (webhookId, id, at) => {
      const t = at.getTime()
      const r = q(`UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, not_before = ?, updated_at = ?, completed_at = NULL
        WHERE webhook_id = ? AND id = ? AND status <> 'IN_PROGRESS' RETURNING *`).get(t, t, webhookId, id) as Row | undefined
      return r ? toDelivery(r) : undefined
    },
    delivery: async (webhookId, id) => {
      const r = q('SELECT * FROM webhook_deliveries WHERE webhook_id = ? AND id = ?').get(webhookId, id) as Row | undefined
      return r ? toDelivery(r) : undefined
    },
    deliveries: async (webhookId, limit) =>
      (q('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(webhookId, limit) as Row[]).map(toDelivery),
    nextDue: async () => {
      const r = q(`SELECT MIN(CASE WHEN status = 'PENDING' THEN not_before ELSE lease_expires_at END) AS due
        FROM webhook_deliveries WHERE status IN ('PENDING', 'IN_PROGRESS')`).get() as Row | undefined
      return r?.['due'] == null ? undefined : new Date(Number(r['due']))
    },
    prune: async (before, limit) =>
      Number(q(`DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE completed_at IS NOT NULL AND completed_at < ? AND status IN ('SUCCEEDED', 'FAILED') LIMIT ?)`).run(before.getTime(), limit).changes),
  }
}
