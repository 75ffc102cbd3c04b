/**
 * GET /api/v1/audit: the audit log (server-wide: admins), filtered by actor, action, repository
 * and time range (`since` inclusive, `until` exclusive, ISO dates), paged by `after` (last id seen).
 * `format=jsonl` streams JSON lines (export); otherwise one JSON page. There is no write API.
 */
import type { FastifyInstance } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import type { AuditQuery, StoredAuditEvent } from '../../metadata/auth-store.ts'
import { authorizedCaller, json, SERVER } from './api-context.ts'

const PAGE = 1000

function date(raw: string | null, key: string): Date | undefined {
  if (raw === null) return undefined
  const t = Date.parse(raw)
  if (!Number.isFinite(t)) throw new RegistryError('UNSUPPORTED', `invalid '${key}' date`, { status: 400 })
  return new Date(t)
}

function toWire(e: StoredAuditEvent): Record<string, unknown> {
  return { ...e, at: e.at.toISOString() }
}

export function registerAuditApi(app: FastifyInstance, auth: AuthService): void {
  app.get('/api/v1/audit', async (request, reply) => {
    await authorizedCaller(auth, request, SERVER)
    const url = request.raw.url ?? ''
    const q = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '')
    const opt = (k: string) => (q.get(k) === null ? {} : { [k]: q.get(k) as string })
    const since = date(q.get('since'), 'since')
    const until = date(q.get('until'), 'until')
    const limit = Math.min(Number(q.get('limit') ?? PAGE) || PAGE, PAGE)
    const base: AuditQuery = {
      ...opt('actor'), ...opt('action'), ...opt('repository'),
      ...(since ? { since } : {}), ...(until ? { until } : {}),
      afterId: Number(q.get('after') ?? 0) || 0, limit,
    }
    if (q.get('format') !== 'jsonl') {
      const events = await auth.repos.audit.query(base)
      return json(reply, 200, { events: events.map(toWire), ...(events.length === limit ? { next: events[events.length - 1]?.id } : {}) })
    }
    // Export: every matching event, a page at a time, as JSON lines.
    reply.code(200).header('Content-Type', 'application/x-ndjson; charset=utf-8').header('Cache-Control', 'no-store')
    async function* lines(): AsyncGenerator<string> {
      let after = base.afterId ?? 0
      for (;;) {
        const events = await auth.repos.audit.query({ ...base, afterId: after, limit: PAGE })
        for (const e of events) yield `${JSON.stringify(toWire(e))}\n`
        const last = events[events.length - 1]
        if (events.length < PAGE || !last) return
        after = last.id
      }
    }
    const { Readable } = await import('node:stream')
    return reply.send(Readable.from(lines()))
  })
}
