/**
 * Every operation of the matrix: a route, what it needs according to docs/auth.md (a Need for the
 * model), the statuses that mean "done" when allowed, and how to build the request for a caller.
 * Requests that act on something (delete a manifest, revoke a token, remove a member) get a fresh
 * target made by root when the model says the caller may act; when it says no, they aim at a
 * target that does not exist (or, for tokens, one that must survive), so a wrong "yes" shows up
 * as a status other than 401/403: the permission check comes before any lookup.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { MediaType } from '../../../src/oci/media-types.ts'
import type { Grant, Need } from './model.ts'
import { CREW_GRANT, ORGS, PUBLIC, REPOS, type MatrixCaller, type Req, type World } from './world.ts'
import { policyOperations } from './policy-operations.ts'
import { admissionOperations } from './admission-operations.ts'
import { webhookRows } from './webhook-rows.ts'
import { metricsOperations } from './metrics-rows.ts'
import { accessKeyOperations } from './ecr-operations.ts'

/** Which part of the app a route belongs to, for the coverage guard and the credentials sent. */
export type Surface =
  | { readonly api: 'fastify'; readonly route: string } // a Fastify route: `METHOD /url` as registered
  | { readonly api: 'v2'; readonly kind: string; readonly method: string } // /v2 endpoint kind and method
  | { readonly api: 'repository'; readonly method: string; readonly path: string } // /api/v1/repositories/{name}/<path>

export interface Operation {
  readonly label: string
  readonly surface: Surface
  readonly need: (c: MatrixCaller) => Need
  readonly ok: readonly number[]
  /** Build the request (may set up a target as root first); `allowed` is the model's verdict. */
  readonly request: (c: MatrixCaller, allowed: boolean, n: string) => Promise<Req> | Req
  /** Checks the answer beyond its status (allowed case only); returns a problem or undefined. */
  readonly check?: (c: MatrixCaller, text: string) => string | undefined
  /** Run after every other operation, one row at a time (it changes the callers' own passwords). */
  readonly last?: boolean
}

const json = (v: unknown): string => JSON.stringify(v)
const randomDigest = (): string => `sha256:${randomBytes(32).toString('hex')}`
const fastify = (route: string): Surface => ({ api: 'fastify', route })
const userName = (c: MatrixCaller): string => (c.owner.kind === 'user' ? c.owner.name : 'bystander')

export function managementOperations(w: World, victims: Map<string, string>): Operation[] {
  const server = (): Need => ({ kind: 'server' })
  const ops: Operation[] = [
    { label: 'create a user', surface: fastify('POST /api/v1/users'), need: server, ok: [201],
      request: (_c, _a, n) => ({ method: 'POST', path: '/api/v1/users', body: json({ name: `u${n}`, password: 'a-password-long-enough', admin: true }) }) },
    { label: 'list users', surface: fastify('GET /api/v1/users'), need: server, ok: [200], request: () => ({ method: 'GET', path: '/api/v1/users' }) },
    { label: 'delete a user', surface: fastify('DELETE /api/v1/users/:user'), need: server, ok: [204],
      request: async (_c, allowed, n) => {
        if (allowed) await w.root('POST', '/api/v1/users', { name: `gone${n}`, password: 'a-password-long-enough' })
        return { method: 'DELETE', path: `/api/v1/users/${allowed ? `gone${n}` : `ghost${n}`}` }
      } },
    { label: 'change another user\'s password', surface: fastify('PUT /api/v1/users/:user/password'), need: () => ({ kind: 'new-credentials', user: 'victim2' }), ok: [204],
      request: () => ({ method: 'PUT', path: '/api/v1/users/victim2/password', body: json({ password: 'victim2-new-password' }) }) },
    { label: 'change one\'s own password', surface: fastify('PUT /api/v1/users/:user/password'), need: (c) => ({ kind: 'new-credentials', user: userName(c) }), ok: [204], last: true,
      // The same password again: later rows keep logging in with it.
      request: (c) => ({ method: 'PUT', path: `/api/v1/users/${userName(c)}/password`, body: json({ password: `pw-${userName(c)}-long-enough` }) }) },
    { label: 'create an org', surface: fastify('POST /api/v1/orgs'), need: server, ok: [201], request: (_c, _a, n) => ({ method: 'POST', path: '/api/v1/orgs', body: json({ name: `o${n}` }) }) },
    { label: 'list all orgs', surface: fastify('GET /api/v1/orgs'), need: server, ok: [200], request: () => ({ method: 'GET', path: '/api/v1/orgs' }) },
    { label: 'rotate the signing keys', surface: fastify('POST /api/v1/keys/rotate'), need: server, ok: [200], request: () => ({ method: 'POST', path: '/api/v1/keys/rotate' }) },
    { label: 'read the audit log', surface: fastify('GET /api/v1/audit'), need: server, ok: [200], request: () => ({ method: 'GET', path: '/api/v1/audit?limit=1' }) },
    // Garbage collection is server-wide (blobs are shared by every namespace). Rows run
    // concurrently, so a real run may meet another one: 409 (the permission check comes first).
    { label: 'run garbage collection (dry run)', surface: fastify('POST /api/v1/gc'), need: server, ok: [200, 409],
      request: () => ({ method: 'POST', path: '/api/v1/gc', body: json({ dryRun: true }) }) },
    { label: 'run garbage collection', surface: fastify('POST /api/v1/gc'), need: server, ok: [200, 409],
      request: () => ({ method: 'POST', path: '/api/v1/gc', body: json({}) }) },
    { label: 'create a personal access token', surface: fastify('POST /api/v1/tokens'), need: (c) => ({ kind: 'new-credentials', user: userName(c) }), ok: [201],
      request: () => ({ method: 'POST', path: '/api/v1/tokens', body: json({ actions: ['pull'], targets: ['acme/app'], expiresIn: 600 }) }) },
    { label: 'create a login password', surface: fastify('POST /api/v1/login-password'), need: (c) => ({ kind: 'new-credentials', user: userName(c) }), ok: [201],
      request: () => ({ method: 'POST', path: '/api/v1/login-password' }) },
    { label: 'list one\'s tokens', surface: fastify('GET /api/v1/tokens'), need: (c) => ({ kind: 'own-tokens', owner: c.owner.name }), ok: [200],
      request: () => ({ method: 'GET', path: '/api/v1/tokens' }) },
    { label: 'revoke another token of one\'s own', surface: fastify('DELETE /api/v1/tokens/:id'), need: (c) => ({ kind: 'own-tokens', owner: userName(c) }), ok: [204],
      request: async (c, allowed) => {
        const id = allowed ? (await w.newPat(userName(c), ['pull'], ['*'])).id : (victims.get(userName(c)) ?? '')
        return { method: 'DELETE', path: `/api/v1/tokens/${id}` }
      } },
    { label: 'revoke a token of another user', surface: fastify('DELETE /api/v1/tokens/:id'), need: () => ({ kind: 'own-tokens', owner: 'bystander' }), ok: [204],
      request: async (_c, allowed) => {
        const id = allowed ? (await w.newPat('bystander', ['pull'], ['*'])).id : (victims.get('bystander') ?? '')
        return { method: 'DELETE', path: `/api/v1/tokens/${id}` }
      } },
  ]
  for (const org of ORGS) {
    const ns = (handsOut?: Grant[]) => (): Need => ({ kind: 'namespace', org, ...(handsOut ? { handsOut } : {}) })
    const narrowRepo = org === 'acme' ? 'acme/app' : 'other/y'
    ops.push(
      { label: `create a team in ${org}`, surface: fastify('POST /api/v1/orgs/:org/teams'), need: ns(), ok: [201],
        request: (_c, _a, n) => ({ method: 'POST', path: `/api/v1/orgs/${org}/teams`, body: json({ name: `t${n}` }) }) },
      { label: `read a team of ${org}`, surface: fastify('GET /api/v1/orgs/:org/teams/:team'), need: ns(), ok: [200],
        request: () => ({ method: 'GET', path: `/api/v1/orgs/${org}/teams/crew` }) },
      { label: `add a member to a team of ${org} (hands out its grants)`, surface: fastify('PUT /api/v1/orgs/:org/teams/:team/members/:user'), need: ns([CREW_GRANT(org)]), ok: [204],
        request: () => ({ method: 'PUT', path: `/api/v1/orgs/${org}/teams/crew/members/bystander` }) },
      { label: `remove a member from a team of ${org}`, surface: fastify('DELETE /api/v1/orgs/:org/teams/:team/members/:user'), need: ns(), ok: [204],
        request: async (_c, allowed, n) => {
          if (!allowed) return { method: 'DELETE', path: `/api/v1/orgs/${org}/teams/crew/members/ghost${n}` }
          await w.root('POST', `/api/v1/orgs/${org}/teams`, { name: `m${n}` })
          await w.root('PUT', `/api/v1/orgs/${org}/teams/m${n}/members/bystander`)
          return { method: 'DELETE', path: `/api/v1/orgs/${org}/teams/m${n}/members/bystander` }
        } },
      { label: `grant write on ${org}/* to a team`, surface: fastify('PUT /api/v1/orgs/:org/teams/:team/grants'), need: ns([{ target: `${org}/*`, role: 'write' }]), ok: [204],
        request: () => ({ method: 'PUT', path: `/api/v1/orgs/${org}/teams/grantee/grants`, body: json({ target: `${org}/*`, role: 'write' }) }) },
      { label: `create an org-wide admin robot in ${org}`, surface: fastify('POST /api/v1/orgs/:org/robots'), need: ns([{ target: `${org}/*`, role: 'admin' }]), ok: [201],
        request: (_c, _a, n) => ({ method: 'POST', path: `/api/v1/orgs/${org}/robots`, body: json({ name: `r${n}`, grants: [{ target: `${org}/*`, role: 'admin' }] }) }) },
      { label: `create a read robot for ${narrowRepo}`, surface: fastify('POST /api/v1/orgs/:org/robots'), need: ns([{ target: narrowRepo, role: 'read' }]), ok: [201],
        request: (_c, _a, n) => ({ method: 'POST', path: `/api/v1/orgs/${org}/robots`, body: json({ name: `q${n}`, grants: [{ target: narrowRepo, role: 'read' }] }) }) },
      { label: `list the robots of ${org}`, surface: fastify('GET /api/v1/orgs/:org/robots'), need: ns(), ok: [200],
        request: () => ({ method: 'GET', path: `/api/v1/orgs/${org}/robots` }) },
      { label: `delete a robot of ${org}`, surface: fastify('DELETE /api/v1/orgs/:org/robots/:robot'), need: ns(), ok: [204],
        request: async (_c, allowed, n) => {
          if (!allowed) return { method: 'DELETE', path: `/api/v1/orgs/${org}/robots/ghost${n}` }
          await w.root('POST', `/api/v1/orgs/${org}/robots`, { name: `x${n}`, grants: [{ target: `${org}/*`, role: 'read' }] })
          return { method: 'DELETE', path: `/api/v1/orgs/${org}/robots/x${n}` }
        } },
    )
  }
  for (const repo of REPOS) {
    const pub = PUBLIC.has(repo)
    // Sets the visibility the repository already has: the answer shows the decision, the state stays.
    ops.push({ label: `set the visibility of ${repo}`, surface: fastify('PUT /api/v1/visibility'),
      need: () => ({ kind: 'repository-settings', repo, ...(pub ? { handsOut: [{ target: repo, role: 'read' as const }] } : {}) }), ok: [200],
      request: () => ({ method: 'PUT', path: '/api/v1/visibility', body: json({ repository: repo, public: pub }) }) })
  }
  // Explicit creation needs the right to manage the new repository: a fresh name per row.
  for (const ns of new Set(REPOS.map((r) => r.split('/')[0] ?? ''))) {
    ops.push({ label: `create a repository in ${ns}`, surface: fastify('POST /api/v1/repositories'),
      need: () => ({ kind: 'repository-settings', repo: `${ns}/fresh` }), ok: [201],
      request: (_c, _a, n) => ({ method: 'POST', path: '/api/v1/repositories', body: json({ repositoryName: `${ns}/fresh${n}`, imageTagMutability: 'IMMUTABLE' }) }) })
  }
  // Deploy policies and exemptions (issue #13): policy-operations.ts.
  ops.push(...policyOperations(w))
  // Access keys for the ECR API (docs/ecr.md): ecr-operations.ts; the door's rows run in runEcrMatrix.
  ops.push(...accessKeyOperations(w))
  // Kubernetes admission webhooks (docs/admission.md): admission-operations.ts.
  ops.push(...admissionOperations())
  ops.push(...webhookRows(w))
  // GET /metrics, admin and bearer-token modes (docs/metrics.md): metrics-rows.ts.
  ops.push(...metricsOperations())
  return ops
}

/** Routes open to everyone: health checks and the token endpoint (which grants what the caller may do). */
export function openOperations(): Operation[] {
  return [
    { label: 'liveness', surface: fastify('GET /healthz'), need: () => ({ kind: 'open' }), ok: [200], request: () => ({ method: 'GET', path: '/healthz' }) },
    { label: 'readiness', surface: fastify('GET /readyz'), need: () => ({ kind: 'open' }), ok: [200], request: () => ({ method: 'GET', path: '/readyz' }) },
    { label: 'GET /token', surface: fastify('GET /token'), need: () => ({ kind: 'open' }), ok: [200], request: () => ({ method: 'GET', path: '/token?service=drydock&scope=repository:acme/app:pull' }) },
    { label: 'POST /token (password grant)', surface: fastify('POST /token'), need: () => ({ kind: 'authenticated' }), ok: [200],
      request: (c) => {
        const creds = c.basic ? Buffer.from(c.basic.slice(6), 'base64').toString() : ':'
        const colon = creds.indexOf(':')
        const form = new URLSearchParams({ grant_type: 'password', service: 'drydock', username: creds.slice(0, colon), password: creds.slice(colon + 1), scope: 'repository:acme/app:pull' })
        // The credentials travel in the form: no Authorization header ('').
        return { method: 'POST', path: '/token', body: form.toString(), contentType: 'application/x-www-form-urlencoded', authorization: '' }
      } },
  ]
}

/** /v2: every endpoint kind and method, on every matrix repository. */
export function registryOperations(w: World): Operation[] {
  const v2 = (kind: string, method: string): Surface => ({ api: 'v2', kind, method })
  const ops: Operation[] = [
    { label: 'GET /v2/', surface: v2('base', 'GET'), need: () => ({ kind: 'open' }), ok: [200], request: () => ({ method: 'GET', path: '/v2/' }) },
    { label: 'HEAD /v2/', surface: v2('base', 'HEAD'), need: () => ({ kind: 'open' }), ok: [200], request: () => ({ method: 'HEAD', path: '/v2/' }) },
    { label: 'GET /v2/_catalog', surface: v2('catalog', 'GET'), need: () => ({ kind: 'authenticated' }), ok: [200], request: () => ({ method: 'GET', path: '/v2/_catalog' }) },
  ]
  for (const repo of REPOS) {
    const need = (action: 'pull' | 'push' | 'delete') => (): Need => ({ kind: 'repo', repo, action })
    const img = w.v1[repo]!
    // An upload session belongs to whoever started it, and every method on it needs push.
    const upload = (method: string, ok: number, extra: (path: string) => Partial<Req> & { path?: string } = () => ({})): Operation => ({
      label: `${method} an upload of ${repo}`, surface: v2('upload', method), need: need('push'), ok: [ok],
      request: async (c, allowed) => {
        const path = allowed ? await w.startUpload(repo, c.bearer ?? '') : `/v2/${repo}/blobs/uploads/${randomUUID()}`
        return { method, path, ...extra(path) }
      },
    })
    ops.push(
      { label: `list tags of ${repo}`, surface: v2('tags', 'GET'), need: need('pull'), ok: [200], request: () => ({ method: 'GET', path: `/v2/${repo}/tags/list` }) },
      { label: `referrers in ${repo}`, surface: v2('referrers', 'GET'), need: need('pull'), ok: [200], request: () => ({ method: 'GET', path: `/v2/${repo}/referrers/${img.digest}` }) },
      { label: `GET a manifest of ${repo}`, surface: v2('manifest', 'GET'), need: need('pull'), ok: [200], request: () => ({ method: 'GET', path: `/v2/${repo}/manifests/v1` }) },
      { label: `HEAD a manifest of ${repo}`, surface: v2('manifest', 'HEAD'), need: need('pull'), ok: [200], request: () => ({ method: 'HEAD', path: `/v2/${repo}/manifests/v1` }) },
      { label: `PUT a manifest into ${repo}`, surface: v2('manifest', 'PUT'), need: need('push'), ok: [201],
        request: (_c, _a, n) => ({ method: 'PUT', path: `/v2/${repo}/manifests/p${n}`, body: img.manifest, contentType: MediaType.ociManifest }) },
      { label: `DELETE a manifest of ${repo}`, surface: v2('manifest', 'DELETE'), need: need('delete'), ok: [202],
        request: async (_c, allowed, n) => ({ method: 'DELETE', path: `/v2/${repo}/manifests/${allowed ? await w.pushUniqueManifest(repo, n) : randomDigest()}` }) },
      { label: `GET a blob of ${repo}`, surface: v2('blob', 'GET'), need: need('pull'), ok: [200], request: () => ({ method: 'GET', path: `/v2/${repo}/blobs/${img.layer}` }) },
      { label: `HEAD a blob of ${repo}`, surface: v2('blob', 'HEAD'), need: need('pull'), ok: [200], request: () => ({ method: 'HEAD', path: `/v2/${repo}/blobs/${img.layer}` }) },
      { label: `DELETE a blob of ${repo}`, surface: v2('blob', 'DELETE'), need: need('delete'), ok: [202],
        request: async (_c, allowed, n) => ({ method: 'DELETE', path: `/v2/${repo}/blobs/${allowed ? await w.pushUniqueBlob(repo, n) : randomDigest()}` }) },
      { label: `start an upload into ${repo}`, surface: v2('uploads', 'POST'), need: need('push'), ok: [202], request: () => ({ method: 'POST', path: `/v2/${repo}/blobs/uploads/` }) },
      upload('GET', 204),
      upload('PATCH', 202, () => ({ body: 'chunk', contentType: 'application/octet-stream' })),
      // Nothing was sent: the blob is the empty one.
      upload('PUT', 201, (path) => ({ path: `${path}?digest=sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855` })),
      upload('DELETE', 204),
    )
  }
  return ops
}

/** /api/v1/repositories/{name}/…: the findings, signatures and settings APIs, on every matrix repository. */
export function repositoryApiOperations(): Operation[] {
  const ops: Operation[] = []
  for (const repo of REPOS) {
    const need = (action: 'pull' | 'push') => (): Need => ({ kind: 'repo', repo, action })
    const at = (method: string, path: string, action: 'pull' | 'push', ok: number[]): Operation => ({
      label: `${method} ${repo}/${path}`, surface: { api: 'repository', method, path: path.replace('v1', '{ref}') }, need: need(action), ok,
      request: () => ({ method, path: `/api/v1/repositories/${repo}/${path}` }),
    })
    ops.push(
      // Scans run in the background: never scanned (404), queued (409) or done (200) all mean "allowed".
      at('GET', 'images/v1/scan-findings', 'pull', [200, 404]),
      at('GET', 'images/v1/scan-report', 'pull', [200, 404, 409]),
      at('GET', 'images/v1/sbom', 'pull', [200, 404, 409]),
      at('POST', 'images/v1/scan', 'push', [202]),
      at('POST', 'scan', 'push', [202]),
      at('GET', 'images/v1/signatures', 'pull', [200]),
      // The deploy-policy verdict takes a digest only; an unknown one is a 404 once pull is allowed.
      { label: `GET ${repo}/images/{digest}/policy`, surface: { api: 'repository', method: 'GET', path: 'images/{ref}/policy' }, need: need('pull'), ok: [404],
        request: () => ({ method: 'GET', path: `/api/v1/repositories/${repo}/images/sha256:${'0'.repeat(64)}/policy` }) },
      at('GET', 'settings', 'pull', [200]),
      // Sets the default again, so the other rows' pushes behave the same whatever the order.
      { label: `PUT ${repo}/settings`, surface: { api: 'repository', method: 'PUT', path: 'settings' }, need: () => ({ kind: 'repository-settings', repo }), ok: [200],
        request: () => ({ method: 'PUT', path: `/api/v1/repositories/${repo}/settings`, body: json({ imageTagMutability: 'MUTABLE' }) }) },
      // What would be deleted is a management view (http/api/lifecycle-api.ts): namespace admins only.
      { label: `GET ${repo}/lifecycle-policy/preview`, surface: { api: 'repository', method: 'GET', path: 'lifecycle-policy/preview' }, need: () => ({ kind: 'repository-settings', repo }), ok: [200],
        request: () => ({ method: 'GET', path: `/api/v1/repositories/${repo}/lifecycle-policy/preview` }) },
      // Running the policy, the expired images and restoring one: namespace admins only, as the
      // policy itself (http/api/lifecycle-api.ts). The matrix policy keeps 100 images, so a run
      // expires nothing, and restoring an image that never expired is a 404 (allowed, nothing to do).
      { label: `POST ${repo}/lifecycle-policy/run`, surface: { api: 'repository', method: 'POST', path: 'lifecycle-policy/run' }, need: () => ({ kind: 'repository-settings', repo }), ok: [200],
        request: () => ({ method: 'POST', path: `/api/v1/repositories/${repo}/lifecycle-policy/run` }) },
      { label: `GET ${repo}/expired-images`, surface: { api: 'repository', method: 'GET', path: 'expired-images' }, need: () => ({ kind: 'repository-settings', repo }), ok: [200],
        request: () => ({ method: 'GET', path: `/api/v1/repositories/${repo}/expired-images` }) },
      { label: `POST ${repo}/expired-images/{digest}/restore`, surface: { api: 'repository', method: 'POST', path: 'expired-images/{ref}/restore' }, need: () => ({ kind: 'repository-settings', repo }), ok: [404],
        request: () => ({ method: 'POST', path: `/api/v1/repositories/${repo}/expired-images/sha256:${'0'.repeat(64)}/restore` }) },
    )
  }
  return ops
}
