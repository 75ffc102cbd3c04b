/**
 * One router for the per-repository API under /api/v1/repositories/{name}/…. Repository names
 * hold slashes, so the path cannot be split by Fastify's router: a single wildcard route is
 * registered (once per app, on first use) and each feature (scans, signatures) adds its own
 * matcher on the decoded path. Unmatched paths answer 404.
 *
 * authorizeRepository is the permission check these routes share: with access control on, the
 * same rules as /v2 via AuthService.allowed; anonymous callers get what public repositories allow.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../../oci/errors.ts'
import type { AuthService } from '../auth/auth-service.ts'
import { ANONYMOUS } from '../auth/principal.ts'
import { callerOf } from './api/api-context.ts'

export const REPOSITORY_API_PREFIX = '/api/v1/repositories/'

export type RepositoryApiHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>

interface Entry {
  readonly matches: (path: string, method: string) => boolean
  readonly handler: RepositoryApiHandler
}

export interface RepositoryApi {
  /** `matches` gets the decoded path after the prefix (`team/app/images/v1/signatures`). */
  add(matches: (path: string, method: string) => boolean, handler: RepositoryApiHandler): void
}

const routers = new WeakMap<FastifyInstance, RepositoryApi>()

export function repositoryApi(app: FastifyInstance): RepositoryApi {
  const existing = routers.get(app)
  if (existing) return existing
  const entries: Entry[] = []
  const dispatch = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const path = repositoryApiPath(request)
    const entry = entries.find((e) => e.matches(path, request.method))
    if (!entry) throw new RegistryError('UNSUPPORTED', 'unknown repository API path', { status: 404 })
    return entry.handler(request, reply)
  }
  app.get(`${REPOSITORY_API_PREFIX}*`, dispatch)
  app.post(`${REPOSITORY_API_PREFIX}*`, dispatch)
  const api: RepositoryApi = { add: (matches, handler) => void entries.push({ matches, handler }) }
  routers.set(app, api)
  return api
}

/** The decoded path after /api/v1/repositories/, without the query. */
export function repositoryApiPath(request: FastifyRequest): string {
  const url = request.raw.url ?? ''
  const q = url.indexOf('?')
  const path = (q < 0 ? url : url.slice(0, q)).slice(REPOSITORY_API_PREFIX.length)
  try {
    return decodeURIComponent(path)
  } catch {
    throw new RegistryError('NAME_INVALID', 'invalid path encoding')
  }
}

export async function authorizeRepository(auth: AuthService | undefined, request: FastifyRequest, repo: string, action: 'pull' | 'push'): Promise<void> {
  if (!auth?.enabled) return
  const principal = request.headers.authorization === undefined ? ANONYMOUS : await callerOf(auth, request)
  if ((await auth.allowed(principal, repo)).includes(action)) return
  if (principal === ANONYMOUS) throw new RegistryError('UNAUTHORIZED', 'credentials required', { headers: { 'WWW-Authenticate': 'Basic realm="drydock"' } })
  throw new RegistryError('DENIED', `no ${action} permission on ${repo}`)
}
