/**
 * Matrix rows for deploy policies and break-glass exemptions (issue #13, docs/policies.md
 * "Managing policies"): managing a policy of scope S needs the management right on S's namespace
 * (`*`: a server admin); an exemption in a repository needs it on the repository's namespace.
 * Push rights, a repository admin grant, robots and tokens without `admin` on `ns/*` are not
 * enough ("nobody without admin on the namespace can change its policy or add an exemption").
 * The policies created here require nothing (`"require": {}`), so they never refuse a pull of
 * the other rows.
 */
import type { Need } from './model.ts'
import { allowed } from './model.ts'
import type { Operation } from './operations.ts'
import { PUBLIC, REPOS, type World } from './world.ts'

const json = (v: unknown): string => JSON.stringify(v)

/** The policies every row reads, one per kind of scope; made once by root. */
const STABLE: ReadonlyArray<{ readonly name: string; readonly scope: string }> = [
  { name: 'matrix-all', scope: '*' },
  { name: 'matrix-acme', scope: 'acme' },
  { name: 'matrix-acme-app', scope: 'acme/app' },
  { name: 'matrix-alice', scope: 'alice' },
  { name: 'matrix-other', scope: 'other' },
]

const doc = (name: string, scope: string) => ({ name, scope, mode: 'audit', require: {} })

/** What managing a policy of `scope` needs, per the docs (never asked of the server). */
const scopeNeed = (scope: string) => (): Need => (scope === '*' ? { kind: 'server' } : { kind: 'namespace', org: scope.split('/')[0] ?? '' })

export function policyOperations(w: World): Operation[] {
  let seeded: Promise<void> | undefined
  const seed = () => (seeded ??= (async () => {
    for (const p of STABLE) await w.root('PUT', `/api/v1/policies/${p.name}`, doc(p.name, p.scope))
  })())
  const fastify = (route: string) => ({ api: 'fastify' as const, route })
  const ops: Operation[] = [
    { label: 'list the policies one may manage', surface: fastify('GET /api/v1/policies'), need: () => ({ kind: 'authenticated' }), ok: [200],
      request: async () => {
        await seed()
        return { method: 'GET', path: '/api/v1/policies' }
      },
      check: (c, text) => {
        const listed = (JSON.parse(text) as { policies: Array<{ name: string }> }).policies.map((p) => p.name).filter((n) => STABLE.some((s) => s.name === n))
        const expected = STABLE.filter((s) => allowed(c, scopeNeed(s.scope)(), PUBLIC)).map((s) => s.name)
        return JSON.stringify([...listed].sort()) === JSON.stringify([...expected].sort()) ? undefined : `lists ${listed.join(',')}, expected ${expected.join(',')}`
      } },
  ]
  for (const p of STABLE) {
    ops.push(
      { label: `read policy ${p.name} (scope ${p.scope})`, surface: fastify('GET /api/v1/policies/:name'), need: scopeNeed(p.scope), ok: [200],
        request: async () => {
          await seed()
          return { method: 'GET', path: `/api/v1/policies/${p.name}` }
        } },
      // Writes the same document again: the state stays for the other rows.
      { label: `put policy ${p.name} (scope ${p.scope})`, surface: fastify('PUT /api/v1/policies/:name'), need: scopeNeed(p.scope), ok: [200, 201],
        request: async () => {
          await seed()
          return { method: 'PUT', path: `/api/v1/policies/${p.name}`, body: json(doc(p.name, p.scope)) }
        } },
    )
    if (p.scope === '*') continue
    // Allowed: a fresh policy under the scope is deleted. Denied: the stable one, which must survive.
    ops.push({ label: `delete a policy under ${p.scope}`, surface: fastify('DELETE /api/v1/policies/:name'), need: scopeNeed(p.scope), ok: [204],
      request: async (_c, allowedHere, n) => {
        await seed()
        if (!allowedHere) return { method: 'DELETE', path: `/api/v1/policies/${p.name}` }
        await w.root('PUT', `/api/v1/policies/gone-${n}`, doc(`gone-${n}`, `${p.scope}/d${n}`))
        return { method: 'DELETE', path: `/api/v1/policies/gone-${n}` }
      } })
  }
  for (const repo of REPOS) {
    const need = scopeNeed(repo)
    const base = `/api/v1/repositories/${repo}`
    ops.push(
      { label: `grant an exemption in ${repo}`, surface: { api: 'repository', method: 'POST', path: 'images/{ref}/exemptions' }, need, ok: [201],
        request: () => ({ method: 'POST', path: `${base}/images/${w.v1[repo]!.digest}/exemptions`, body: json({ reason: 'matrix break-glass', expiresIn: '1h' }) }) },
      { label: `list the exemptions of ${repo}`, surface: { api: 'repository', method: 'GET', path: 'exemptions' }, need, ok: [200],
        request: () => ({ method: 'GET', path: `${base}/exemptions` }) },
      // Allowed: root grants one, the caller revokes it. Denied: an id that does not exist (the check comes first).
      { label: `revoke an exemption in ${repo}`, surface: { api: 'repository', method: 'DELETE', path: 'exemptions/{ref}' }, need, ok: [200],
        request: async (_c, allowedHere, n) => {
          if (!allowedHere) return { method: 'DELETE', path: `${base}/exemptions/ghost-${n}` }
          const res = await w.root('POST', `${base}/images/${w.v1[repo]!.digest}/exemptions`, { reason: `to revoke ${n}`, expiresIn: '1h' })
          return { method: 'DELETE', path: `${base}/exemptions/${(JSON.parse(res.text) as { id: string }).id}` }
        } },
    )
  }
  return ops
}
