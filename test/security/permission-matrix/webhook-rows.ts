/**
 * Matrix rows for webhook subscriptions (issue #16, docs/events.md): every route under
 * /api/v1/orgs/{org}/webhooks needs the management right on the namespace, as the org's robots do
 * (docs/auth.md). The subscriptions made here want `finding.new` only, which nothing in the
 * matrix produces, so no delivery is ever attempted; the denied rows aim at root's subscription,
 * which must survive them.
 */
import type { Need } from './model.ts'
import type { Operation } from './operations.ts'
import type { World } from './world.ts'

const json = (v: unknown): string => JSON.stringify(v)
const fastify = (route: string) => ({ api: 'fastify' as const, route })
/** The user's own namespace, and the two orgs. */
const NAMESPACES = ['acme', 'other', 'alice'] as const
const spec = { url: 'https://hooks.example.com/matrix', eventTypes: ['finding.new'], enabled: false }
const UNKNOWN_DELIVERY = '00000000-0000-4000-8000-000000000000'

export function webhookRows(w: World): Operation[] {
  const seeded = new Map<string, Promise<string>>()
  /** Root's subscription in `org`, made once. */
  const seed = (org: string): Promise<string> => {
    let id = seeded.get(org)
    if (id === undefined) {
      id = w.root('POST', `/api/v1/orgs/${org}/webhooks`, spec).then((r) => (JSON.parse(r.text) as { id: string }).id)
      seeded.set(org, id)
    }
    return id
  }
  const ops: Operation[] = []
  for (const org of NAMESPACES) {
    const need = (): Need => ({ kind: 'namespace', org })
    const base = `/api/v1/orgs/${org}/webhooks`
    ops.push(
      { label: `create a webhook in ${org}`, surface: fastify('POST /api/v1/orgs/:org/webhooks'), need, ok: [201],
        request: () => ({ method: 'POST', path: base, body: json(spec) }),
        check: (_c, text) => (text.includes('"secret"') ? undefined : 'the new secret is not shown') },
      { label: `list the webhooks of ${org}`, surface: fastify('GET /api/v1/orgs/:org/webhooks'), need, ok: [200],
        request: () => ({ method: 'GET', path: base }),
        check: (_c, text) => (text.includes('"secret"') ? 'a listing shows a secret' : undefined) },
      { label: `read a webhook of ${org}`, surface: fastify('GET /api/v1/orgs/:org/webhooks/:id'), need, ok: [200],
        request: async () => ({ method: 'GET', path: `${base}/${await seed(org)}` }) },
      // Writes what it already has: the state stays for the other rows.
      { label: `update a webhook of ${org}`, surface: fastify('PATCH /api/v1/orgs/:org/webhooks/:id'), need, ok: [200],
        request: async () => ({ method: 'PATCH', path: `${base}/${await seed(org)}`, body: json({ enabled: false }) }) },
      { label: `read the deliveries of a webhook of ${org}`, surface: fastify('GET /api/v1/orgs/:org/webhooks/:id/deliveries'), need, ok: [200],
        request: async () => ({ method: 'GET', path: `${base}/${await seed(org)}/deliveries` }) },
      // No delivery exists in the matrix: an allowed caller learns so (404), a refused one is refused first.
      { label: `redeliver a delivery of a webhook of ${org}`, surface: fastify('POST /api/v1/orgs/:org/webhooks/:id/deliveries/:deliveryId/redeliver'), need, ok: [404],
        request: async () => ({ method: 'POST', path: `${base}/${await seed(org)}/deliveries/${UNKNOWN_DELIVERY}/redeliver` }) },
      // Allowed: a fresh subscription of root's is deleted. Denied: root's seeded one, which must survive.
      { label: `delete a webhook of ${org}`, surface: fastify('DELETE /api/v1/orgs/:org/webhooks/:id'), need, ok: [204],
        request: async (_c, allowed) => {
          if (!allowed) return { method: 'DELETE', path: `${base}/${await seed(org)}` }
          const fresh = await w.root('POST', base, spec)
          return { method: 'DELETE', path: `${base}/${(JSON.parse(fresh.text) as { id: string }).id}` }
        } },
    )
  }
  return ops
}
