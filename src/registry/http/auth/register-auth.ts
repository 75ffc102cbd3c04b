/**
 * Plugs access control into the app: the token endpoint, the /v2 gate (onRequest), the
 * filtered catalog, the audit of pushes, pulls and deletes (onResponse, 2xx only), and the
 * management API. With auth off (AuthService.enabled false) the gate is a no-op and /token and
 * /api/v1 answer 404, so an open registry behaves exactly as before.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AuthService } from '../../auth/auth-service.ts'
import { parseListen, type RegistryConfig } from '../../config/config.ts'
import type { MetadataStore } from '../../metadata/store.ts'
import type { Clock } from '../../ports.ts'
import { registerApiRoutes } from '../api/api-routes.ts'
import { setRequestPrincipal } from '../request-principal.ts'
import { authorizeRequest, type GateResult } from './authorize-hook.ts'
import { clientAddress } from './credentials.ts'
import { sendFilteredCatalog } from './filtered-catalog.ts'
import { registerTokenEndpoint } from './token-endpoint.ts'

function isV2(url: string): boolean {
  return url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?')
}

function auditAction(r: GateResult, method: string): string | undefined {
  const kind = r.route.kind
  if (kind === 'manifest' && method === 'GET') return 'repo.pull'
  if (kind === 'manifest' && method === 'PUT') return 'repo.push'
  if ((kind === 'manifest' || kind === 'blob') && method === 'DELETE') return 'repo.delete'
  return undefined
}

/** Thrown at start-up when `auth: auto` has no user yet and the server would listen beyond loopback. */
export class OpenRegistryRefusedError extends Error {
  readonly code = 'DRYDOCK_OPEN_REGISTRY'
  constructor(listen: string) {
    super(
      `refusing to serve an open registry on ${listen}: no user exists yet. Create the first admin ` +
        '(DRYDOCK_ADMIN_USER and DRYDOCK_ADMIN_PASSWORD, or `drydock user create NAME --admin --data DIR`), ' +
        'or pass --auth off to run without access control on purpose',
    )
    this.name = 'OpenRegistryRefusedError'
  }
}

function isLoopbackListen(listen: string): boolean {
  const { host } = parseListen(listen)
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

export function registerAuth(app: FastifyInstance, config: RegistryConfig, deps: { readonly store: MetadataStore; readonly clock: Clock }): AuthService {
  const auth = new AuthService(config.auth, deps.store.auth, deps.clock)
  const gate = new WeakMap<FastifyRequest, GateResult>()

  app.addHook('onReady', async () => {
    await auth.start()
    if (auth.enabled) return
    // Private by default: an open registry is only acceptable on loopback, or when asked for.
    if (config.auth.mode === 'auto' && !isLoopbackListen(config.server.listen)) {
      throw new OpenRegistryRefusedError(config.server.listen)
    }
    app.log.warn('authentication is off: anyone can push and pull (create an admin with DRYDOCK_ADMIN_USER/DRYDOCK_ADMIN_PASSWORD)')
  })

  app.addHook('onRequest', async (request, reply) => {
    if (!auth.enabled || !isV2(request.raw.url ?? '')) return
    const result = await authorizeRequest(auth, request)
    if (!result) return
    gate.set(request, result)
    const claims = result.claims
    if (result.principal !== undefined) setRequestPrincipal(request, result.principal, claims ? () => auth.principalOf(claims) : undefined)
    // Only a read is the catalog; any other method goes on to the router, which refuses it.
    if (result.route.kind === 'catalog' && (request.method === 'GET' || request.method === 'HEAD')) {
      const claims = auth.verifyToken(String(request.headers.authorization).slice(7).trim())
      const url = request.raw.url ?? ''
      const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '')
      await sendFilteredCatalog(auth, deps.store, await auth.principalOf(claims), query, reply)
      return reply
    }
  })

  app.addHook('onResponse', async (request, reply) => {
    const r = gate.get(request)
    if (!r || reply.statusCode >= 300) return
    const action = auditAction(r, request.method)
    if (!action || !('name' in r.route)) return
    const reference = r.route.kind === 'manifest' ? r.route.reference : r.route.kind === 'blob' ? r.route.digest : undefined
    const digest = reply.getHeader('docker-content-digest')
    await auth.audit({
      actor: r.subject, action, repository: r.route.name, address: clientAddress(request),
      detail: { ...(reference ? { reference } : {}), ...(typeof digest === 'string' ? { digest } : {}) },
    }).catch((err: unknown) => request.log.error({ err }, 'failed to write audit event'))
  })

  registerTokenEndpoint(app, auth)
  registerApiRoutes(app, auth)
  return auth
}
