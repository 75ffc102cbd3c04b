/**
 * One router for the per-repository API under /api/v1/repositories/{name}/…. Repository names
 * hold slashes, so the path cannot be split by Fastify's router: a single wildcard route is
 * registered (once per app, on first use) and each feature (scans, signatures) declares its
 * routes here as a method, a path template after the name (`images/{ref}/signatures`) and the
 * repository action it needs. Unknown paths answer 404, a known path with another method 405.
 *
 * Authorization happens here, once, before any handler runs (so no caller can probe which tags
 * exist): with access control on, the same rules as /v2 via AuthService.allowed (permissions.ts:
 * the owner's rights cut by the token's actions and targets); anonymous callers get what public
 * repositories allow. A route that changes the repository's settings needs `manage`: the
 * management rule (permissions.ts mayManage: a namespace admin; a token needs `admin`).
 * repositoryApiRoutes lists the declared routes (the permission-matrix test checks every one of
 * them has rows).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../../oci/errors.ts'
import { parseRepositoryName, type RepositoryName } from '../../oci/reference.ts'
import type { AuthService } from '../auth/auth-service.ts'
import { ANONYMOUS, type Principal } from '../auth/principal.ts'
import type { RepositoryAction } from '../auth/scope.ts'
import { callerOf, requirePermission } from './api/api-context.ts'

export const REPOSITORY_API_PREFIX = '/api/v1/repositories/'

export interface RepositoryRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** After `{name}/`; `{ref}` is one path segment (a tag or a digest). */
  readonly path: string
  /** The repository action the caller needs, or `manage` for its settings (docs/auth.md). */
  readonly needs: RepositoryAction | 'manage'
}

export interface RepositoryRequest {
  readonly repo: RepositoryName
  /** The `{ref}` segment, when the template has one. */
  readonly ref: string | undefined
  readonly query: URLSearchParams
  /** Who is calling, when access control is on (for the audit log). */
  readonly caller: Principal | undefined
}

export type RepositoryApiHandler = (request: FastifyRequest, reply: FastifyReply, target: RepositoryRequest) => Promise<unknown>

interface Entry {
  readonly route: RepositoryRoute
  readonly re: RegExp
  readonly handler: RepositoryApiHandler
}

export interface RepositoryApi {
  add(route: RepositoryRoute, handler: RepositoryApiHandler): void
  routes(): readonly RepositoryRoute[]
}

const routers = new WeakMap<FastifyInstance, RepositoryApi>()

/** `images/{ref}/scan` → /^(.+)\/images\/([^/]+)\/scan$/ (name, then ref). */
function compile(path: string): RegExp {
  const escaped = path.split('{ref}').map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('([^/]+)')
  return new RegExp(`^(.+)/${escaped}$`)
}

export function repositoryApi(app: FastifyInstance, auth: AuthService | undefined): RepositoryApi {
  const existing = routers.get(app)
  if (existing) return existing
  const entries: Entry[] = []
  const dispatch = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const { path, query } = splitRepositoryApiUrl(request)
    const onPath = entries.map((e) => ({ e, m: e.re.exec(path) })).filter((x) => x.m !== null)
    if (onPath.length === 0) throw new RegistryError('UNSUPPORTED', 'unknown repository API path', { status: 404 })
    const hit = onPath.find((x) => x.e.route.method === request.method)
    if (!hit?.m) throw new RegistryError('UNSUPPORTED', `${request.method} not allowed here`, { status: 405 })
    const repo = parseRepositoryName(hit.m[1] ?? '')
    const caller = await authorizeRepository(auth, request, repo, hit.e.route.needs)
    return hit.e.handler(request, reply, { repo, ref: hit.m[2], query, caller })
  }
  app.get(`${REPOSITORY_API_PREFIX}*`, dispatch)
  app.post(`${REPOSITORY_API_PREFIX}*`, dispatch)
  app.put(`${REPOSITORY_API_PREFIX}*`, dispatch)
  app.delete(`${REPOSITORY_API_PREFIX}*`, dispatch)
  const api: RepositoryApi = {
    add: (route, handler) => void entries.push({ route, re: compile(route.path), handler }),
    routes: () => entries.map((e) => e.route),
  }
  routers.set(app, api)
  return api
}

/** The routes declared under /api/v1/repositories/{name}/ (none when no feature registered one). */
export function repositoryApiRoutes(app: FastifyInstance): readonly RepositoryRoute[] {
  return routers.get(app)?.routes() ?? []
}

/** The decoded path after /api/v1/repositories/ and the query. */
function splitRepositoryApiUrl(request: FastifyRequest): { path: string; query: URLSearchParams } {
  const url = request.raw.url ?? ''
  const q = url.indexOf('?')
  const path = (q < 0 ? url : url.slice(0, q)).slice(REPOSITORY_API_PREFIX.length)
  try {
    return { path: decodeURIComponent(path), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) }
  } catch {
    throw new RegistryError('NAME_INVALID', 'invalid path encoding')
  }
}

async function authorizeRepository(auth: AuthService | undefined, request: FastifyRequest, repo: string, action: RepositoryAction | 'manage'): Promise<Principal | undefined> {
  if (!auth?.enabled) return undefined
  const principal = request.headers.authorization === undefined ? ANONYMOUS : await callerOf(auth, request)
  if (action === 'manage') {
    if (principal === ANONYMOUS) throw new RegistryError('UNAUTHORIZED', 'credentials required', { headers: { 'WWW-Authenticate': 'Basic realm="drydock"' } })
    await requirePermission(auth, principal, { kind: 'repository', name: repo })
    return principal
  }
  if ((await auth.allowed(principal, repo)).includes(action)) return principal
  if (principal === ANONYMOUS) throw new RegistryError('UNAUTHORIZED', 'credentials required', { headers: { 'WWW-Authenticate': 'Basic realm="drydock"' } })
  throw new RegistryError('DENIED', `no ${action} permission on ${repo}`)
}
