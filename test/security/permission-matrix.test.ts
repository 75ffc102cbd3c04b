/**
 * The permission matrix (security issue #12, hole 3): every route of the app — the management API
 * (/api/v1), /v2 (every endpoint kind and method), the findings and signatures APIs, the token
 * endpoint and the health checks — crossed with every kind of caller (admin user, plain user,
 * team members with the read, write and admin roles on acme/*, an admin of acme/app only, robots,
 * login passwords, personal access tokens of each user with narrowed actions and targets, and
 * anonymous) and with repositories public and private, inside and outside the tokens' targets.
 * One real server over real HTTP. The expected outcome of every row comes from the documented
 * rules (permission-matrix/model.ts, docs/auth.md), never from the server.
 *
 * A guard lists the app's actual routes (Fastify's route tree, the /v2 endpoint table and the
 * repository API's declared routes) and fails when one has no rows here.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { OCI_ENDPOINTS } from '../../src/registry/http/oci/oci-routes.ts'
import { repositoryApiRoutes } from '../../src/registry/http/repository-api.ts'
import { allowed, mayOnRepo } from './permission-matrix/model.ts'
import { managementOperations, openOperations, registryOperations, repositoryApiOperations, type Operation } from './permission-matrix/operations.ts'
import { ecrDoorOperations, runEcrMatrix } from './permission-matrix/ecr-operations.ts'
import { ecrDownloadOperations } from './permission-matrix/ecr-layer-rows.ts'
import { basic, password, PUBLIC, REPOS, startWorld, type MatrixCaller, type World } from './permission-matrix/world.ts'

const CONCURRENCY = 6

/** Fastify's route tree (printRoutes) as `METHOD /full/url` lines. */
function fastifyRoutes(tree: string): string[] {
  const out: string[] = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const m = /^([│ ├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (!m) continue
    const depth = Math.floor((m[1] ?? '').length / 4)
    stack.length = depth
    stack[depth] = m[2] ?? ''
    for (const method of (m[3] ?? '').split(', ').filter((x) => x !== '')) out.push(`${method} ${stack.join('')}`)
  }
  return out
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++] as T)
  }))
}

describe('permission matrix: every route x every caller x public/private, inside/outside token targets', { timeout: 600_000 }, () => {
  let w: World
  const victims = new Map<string, string>()
  let counter = 0

  before(async () => {
    w = await startWorld()
    for (const user of ['root', 'alice', 'reader', 'writer', 'orgadmin', 'appadmin', 'bystander']) victims.set(user, (await w.newPat(user, ['pull'], ['*'])).id)
    await w.refreshBearers()
  })
  after(async () => {
    await w?.close()
  })

  /** Sends every (operation, caller) row; returns the rows whose outcome differs from the model. */
  async function run(ops: readonly Operation[], credentials: (c: MatrixCaller) => string | undefined, concurrency = CONCURRENCY): Promise<string[]> {
    const rows = ops.flatMap((op) => w.callers.map((c) => ({ op, c })))
    const problems: string[] = []
    await pool(rows, concurrency, async ({ op, c }) => {
      const yes = allowed(c, op.need(c), PUBLIC)
      const req = await op.request(c, yes, String(++counter))
      const authorization = req.authorization ?? credentials(c)
      const res = await w.send({ ...req, ...(authorization ? { authorization } : {}) })
      const expected = yes ? op.ok : [c.owner.kind === 'anonymous' ? 401 : 403]
      if (!expected.includes(res.status)) {
        problems.push(`${op.label} as ${c.label}: expected ${yes ? 'allowed' : 'denied'} (${expected.join('/')}), got ${res.status} ${res.text.slice(0, 160)}`)
      } else if (yes && op.check) {
        const p = op.check(c, res.text)
        if (p) problems.push(`${op.label} as ${c.label}: ${p}`)
      }
    })
    return problems
  }

  const report = (problems: string[]): void => {
    assert.equal(problems.length, 0, `${problems.length} rows differ from the documented rules:\n${problems.slice(0, 60).join('\n')}`)
  }

  it('covers every route the app has (a new route cannot ship without its matrix rows)', () => {
    const ops = [...managementOperations(w, victims), ...openOperations(), ...registryOperations(w), ...repositoryApiOperations(), ...ecrDoorOperations(), ...ecrDownloadOperations(w)]
    const fastifyCovered = new Set(ops.flatMap((o) => (o.surface.api === 'fastify' ? [o.surface.route] : [])))
    // The two wildcard routes are dispatched further: their endpoints are checked below.
    const dispatched = new Set(['GET /api/v1/repositories/*', 'POST /api/v1/repositories/*', 'PUT /api/v1/repositories/*', 'DELETE /api/v1/repositories/*', ...['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].flatMap((m) => [`${m} /v2`, `${m} /v2/*`])])
    const routes = fastifyRoutes(w.app.printRoutes())
    assert.ok(routes.length > 20, `route tree parsed: ${routes.join(', ')}`)
    const missing = routes.filter((r) => !fastifyCovered.has(r) && !dispatched.has(r))
    assert.deepEqual(missing, [], 'Fastify routes without matrix rows')
    const v2Covered = new Set(ops.flatMap((o) => (o.surface.api === 'v2' ? [`${o.surface.method} ${o.surface.kind}`] : [])))
    const v2Missing = OCI_ENDPOINTS.flatMap((e) => e.methods.map((m) => `${m} ${e.kind}`)).filter((k) => !v2Covered.has(k))
    assert.deepEqual(v2Missing, [], '/v2 endpoints without matrix rows')
    const repoCovered = new Set(ops.flatMap((o) => (o.surface.api === 'repository' ? [`${o.surface.method} ${o.surface.path}`] : [])))
    const declared = repositoryApiRoutes(w.app)
    assert.ok(declared.length > 0, 'the repository API declares its routes')
    assert.deepEqual(declared.map((r) => `${r.method} ${r.path}`).filter((k) => !repoCovered.has(k)), [], 'repository API routes without matrix rows')
  })

  it('/api/v1 management: a credential never does more than both its owner and its own actions and targets allow', async () => {
    report(await run(managementOperations(w, victims).filter((o) => !o.last), (c) => c.basic))
  })

  it('/token and health checks', async () => {
    report(await run(openOperations(), (c) => c.basic))
  })

  it('/v2: every endpoint and method on every repository, with registry tokens from /token', async () => {
    await w.refreshBearers()
    const ops = registryOperations(w)
    const catalog = ops.find((o) => o.surface.api === 'v2' && o.surface.kind === 'catalog')!
    const withCatalogCheck: Operation = {
      ...catalog,
      check: (c, text) => {
        const listed = (JSON.parse(text) as { repositories: string[] }).repositories.filter((r) => (REPOS as readonly string[]).includes(r))
        const expected = REPOS.filter((r) => mayOnRepo(c, r, 'pull', PUBLIC))
        return JSON.stringify(listed) === JSON.stringify(expected) ? undefined : `catalog lists ${listed.join(',')}, expected ${expected.join(',')}`
      },
    }
    report(await run(ops.map((o) => (o === catalog ? withCatalogCheck : o)), (c) => c.bearer))
  })

  it('the ECR API (POST /, SigV4 access keys): every password caller and robot x every operation', async () => {
    report(await runEcrMatrix(w))
  })

  it('pre-signed ECR layer downloads (GET /ecr-download/*): the URL is the credential', async () => {
    report(await run(ecrDownloadOperations(w), (c) => c.basic))
  })

  it('findings, signatures and settings APIs (/api/v1/repositories/{name}/…)', async () => {
    report(await run(repositoryApiOperations(), (c) => c.basic))
  })

  describe('the reproduced attacks of issue #12 (hole 3)', () => {
    const as = (authorization: string, method: string, path: string, body?: unknown) =>
      w.send({ method, path, authorization, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })

    it('an org admin\'s PAT {admin} on acme/app cannot touch acme/private, make org-wide robots or add team members', async () => {
      const pat = await w.newPat('orgadmin', ['admin'], ['acme/app'])
      const auth = basic('orgadmin', pat.token)
      assert.equal((await as(auth, 'PUT', '/api/v1/visibility', { repository: 'acme/private', public: true })).status, 403)
      assert.equal((await w.send({ method: 'GET', path: '/v2/acme/private/manifests/v1' })).status, 401, 'acme/private stayed private')
      assert.equal((await as(auth, 'POST', '/api/v1/orgs/acme/robots', { name: 'sneaky', grants: [{ target: 'acme/*', role: 'admin' }] })).status, 403)
      assert.ok(!(await w.root('GET', '/api/v1/orgs/acme/robots')).text.includes('sneaky'), 'no robot was created')
      assert.equal((await as(auth, 'PUT', '/api/v1/orgs/acme/teams/crew/members/alice')).status, 403)
      assert.ok(!(await w.root('GET', '/api/v1/orgs/acme/teams/crew')).text.includes('alice'), 'alice was not added')
    })

    it('an admin\'s PAT limited to acme/app cannot create a server admin or rotate the signing keys', async () => {
      const pat = await w.newPat('root', ['pull', 'push', 'delete', 'admin'], ['acme/app'])
      const auth = basic('root', pat.token)
      assert.equal((await as(auth, 'POST', '/api/v1/users', { name: 'mallory', password: 'mallory-password-1', admin: true })).status, 403)
      assert.ok(!(await w.root('GET', '/api/v1/users')).text.includes('mallory'), 'no user was created')
      const rotations = async () => (JSON.parse((await w.root('GET', '/api/v1/audit?action=key.rotate')).text) as { events: unknown[] }).events.length
      const before = await rotations()
      assert.equal((await as(auth, 'POST', '/api/v1/keys/rotate')).status, 403)
      assert.equal(await rotations(), before, 'no key rotation happened')
    })

    it('a pull-only PAT cannot revoke its owner\'s other tokens nor list the orgs, but may revoke itself', async () => {
      const pullOnly = await w.newPat('alice', ['pull'], ['*'])
      const other = await w.newPat('alice', ['pull', 'push'], ['alice/*'])
      const auth = basic('alice', pullOnly.token)
      assert.equal((await as(auth, 'DELETE', `/api/v1/tokens/${other.id}`)).status, 403)
      assert.equal((await w.send({ method: 'GET', path: '/token?service=drydock', authorization: basic('alice', other.token) })).status, 200, 'the other token still works')
      assert.equal((await as(auth, 'GET', '/api/v1/orgs')).status, 403)
      assert.equal((await as(auth, 'DELETE', `/api/v1/tokens/${pullOnly.id}`)).status, 204, 'a token may always revoke itself')
      assert.equal((await w.send({ method: 'GET', path: '/token?service=drydock', authorization: auth })).status, 401, 'and is dead then')
      assert.equal((await as(basic('alice', password('alice')), 'DELETE', `/api/v1/tokens/${other.id}`)).status, 204, 'the owner, with the password, may')
    })
  })

  it('/api/v1 management: changing one\'s own password (to the same one), last and one at a time', async () => {
    // The server rehashes at full cost: run after every other row, then put the cheap hashes back.
    report(await run(managementOperations(w, victims).filter((o) => o.last), (c) => c.basic, 1))
    await w.cheapenPasswords()
  })
})
