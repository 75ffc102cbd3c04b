/**
 * GET /metrics: the Prometheus text exposition (docs/metrics.md), a thin adapter over
 * PrometheusMetrics. Who may read it is `metrics.auth` (metrics/metrics-config.ts): open by
 * default, since the exposition holds no repository, user, tag or digest; else the bearer token,
 * a registry admin's credentials (the management API's check: server administration), or either.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { RegistryError } from '../../oci/errors.ts'
import type { AuthService } from '../auth/auth-service.ts'
import type { MetricsConfig } from '../metrics/metrics-config.ts'
import { authorizedCaller, SERVER } from './api/api-context.ts'
import { readAuthorization } from './auth/credentials.ts'

export interface MetricsRouteDeps {
  readonly exposition: () => Promise<{ readonly contentType: string; readonly body: string }>
  readonly access: MetricsConfig['auth']
  /** The registry's access control; undefined or disabled: no admin can log in. */
  readonly auth: AuthService | undefined
}

export function registerMetricsRoute(app: FastifyInstance, deps: MetricsRouteDeps): void {
  app.get('/metrics', async (request, reply) => {
    await checkAccess(request, deps)
    const { contentType, body } = await deps.exposition()
    return reply.code(200).header('Content-Type', contentType).header('Cache-Control', 'no-store').send(body)
  })
}

async function checkAccess(request: FastifyRequest, deps: MetricsRouteDeps): Promise<void> {
  const { token, admin } = deps.access
  if (token === undefined && !admin) return
  const challenges = [...(token ? ['Bearer realm="drydock-metrics"'] : []), ...(admin ? ['Basic realm="drydock"'] : [])]
  const refuse = (message: string): RegistryError => new RegistryError('UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': challenges.join(', ') } })
  const creds = readAuthorization(request)
  if (creds === undefined) throw refuse('credentials required')
  if (token && creds.scheme === 'bearer' && token.matches(creds.token)) return
  // Not the metrics token: only a registry admin may still read (a password, or a PAT with admin on *).
  if (!admin) throw refuse('invalid metrics token')
  if (!deps.auth?.enabled) throw refuse('access control is off on this registry, so no administrator can log in')
  await authorizedCaller(deps.auth, request, SERVER)
}
