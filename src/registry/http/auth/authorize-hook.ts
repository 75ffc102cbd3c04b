/**
 * The authorization gate for /v2 (an onRequest hook, so the OCI handlers stay unaware of auth).
 * Required action per route: GET/HEAD → pull, POST/PUT/PATCH → push, DELETE → delete, except on
 * an upload session (`blobs/uploads/<id>`), where every method needs push: whoever may push may
 * also cancel (and check) their own upload, as the distribution spec and the reference registry
 * have it, and sessions are private to the principal that started them (upload-service.ts); the
 * base endpoint needs any valid token; `_catalog` needs an authenticated token and is answered here,
 * filtered to what the caller may pull.
 *  - no token: public repositories may be pulled; anything else → 401 with the challenge;
 *  - a token without an entry for the repository → 401 with the challenge (the client fetches a
 *    token for the new scope);
 *  - a token with an entry for the repository but without the action → 403 DENIED when the
 *    authenticated subject may not perform it now, else 401 insufficient_scope (the token was
 *    asked for less; see mayNow); always 401 for an anonymous one;
 *  - cross-repository mount: without pull on `from` (or with no `from`, an automatic mount that
 *    could read any repository), `mount` is dropped and the POST becomes a normal upload.
 */
import type { FastifyRequest } from 'fastify'
import type { AuthService } from '../../auth/auth-service.ts'
import { allowedActions } from '../../auth/permissions.ts'
import { InvalidTokenError, type TokenClaims } from '../../auth/registry-jwt.ts'
import type { RepositoryAction } from '../../auth/scope.ts'
import { matchOciPath, type OciRoute } from '../oci/oci-router.ts'
import { challenge, denied } from './challenge.ts'
import { readAuthorization } from './credentials.ts'

/** What the gate learned about a request, for the audit hook and the handlers. */
export interface GateResult {
  readonly route: OciRoute
  readonly subject: string
  /** The token's subject; absent for anonymous requests. */
  readonly principal?: string
  /** The verified token, when there is one (to resolve the full principal on demand). */
  readonly claims?: TokenClaims
}

const ACTION: Readonly<Record<string, RepositoryAction>> = { GET: 'pull', HEAD: 'pull', POST: 'push', PUT: 'push', PATCH: 'push', DELETE: 'delete' }

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?')
  return { path: (q < 0 ? url : url.slice(0, q)).replace(/^\/v2\/?/, ''), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) }
}

function verify(auth: AuthService, request: FastifyRequest): TokenClaims | undefined {
  const creds = readAuthorization(request)
  // Basic on /v2 is not accepted: clients get the challenge and use the token endpoint.
  if (creds?.scheme !== 'bearer') return undefined
  try {
    return auth.verifyToken(creds.token)
  } catch (err) {
    if (err instanceof InvalidTokenError) {
      request.log.debug({ reason: err.message }, 'rejected registry token')
      throw challenge(request, auth.config.service, { error: 'invalid_token', message: `invalid token: ${err.message}` })
    }
    throw err
  }
}

function granted(claims: TokenClaims | undefined, repo: string): readonly string[] | undefined {
  return claims?.access.find((e) => e.type === 'repository' && e.name === repo)?.actions
}

/**
 * Whether the token's subject may perform `action` now. A token names only the actions granted for
 * what the client asked, so a token that lacks one may simply not have asked for it (a client
 * reusing its pull token for an upload status): then the client gets 401 insufficient_scope and
 * fetches a new token, and only a subject that really may not gets 403 DENIED.
 */
async function mayNow(auth: AuthService, claims: TokenClaims, repo: string, action: RepositoryAction): Promise<boolean> {
  return (await allowedActions(await auth.principalOf(claims), repo, auth.permissions)).includes(action)
}

export async function authorizeRequest(auth: AuthService, request: FastifyRequest): Promise<GateResult | undefined> {
  const { path, query } = splitUrl(request.raw.url ?? '/')
  const route = matchOciPath(path)
  if (!route) return undefined
  const claims = verify(auth, request)
  const subject = claims === undefined || claims.sub === '' ? 'anonymous' : claims.sub
  const who = claims === undefined || claims.sub === '' ? {} : { principal: claims.sub, claims }
  if (route.kind === 'base') {
    if (!claims) throw challenge(request, auth.config.service)
    return { route, subject, ...who }
  }
  if (route.kind === 'catalog') {
    if (!claims || claims.sub === '') throw challenge(request, auth.config.service, { scope: 'registry:catalog:*' })
    return { route, subject, ...who }
  }
  const action = route.kind === 'upload' ? 'push' : ACTION[request.method] ?? 'pull'
  const actions = granted(claims, route.name)
  if (!actions?.includes(action)) {
    const publicPull = action === 'pull' && (await auth.repos.publicRepos.isPublic(route.name))
    if (!publicPull) {
      if (actions !== undefined && claims?.sub && !(await mayNow(auth, claims, route.name, action))) throw denied(route.name, action)
      const scope = `repository:${route.name}:${action === 'push' ? 'pull,push' : action}`
      throw challenge(request, auth.config.service, { scope, ...(claims ? { error: 'insufficient_scope' } : {}) })
    }
  }
  if (route.kind === 'uploads' && query.has('mount')) {
    const from = query.get('from')
    if (from === null || !granted(claims, from)?.includes('pull')) {
      query.delete('mount')
      query.delete('from')
      const rest = query.toString()
      request.raw.url = `/v2/${route.name}/blobs/uploads/${rest === '' ? '' : `?${rest}`}`
    }
  }
  return { route, subject, ...who }
}
