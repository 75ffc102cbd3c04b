/**
 * Matrix rows for GET /metrics (docs/metrics.md "Access", docs/auth.md). The world (world.ts)
 * turns on both opt-in modes, `metrics.auth: token,admin`, with MATRIX_METRICS_CONFIG:
 * - a caller's own credentials read it only as server administration (an admin user; with a
 *   token, `admin` on `*`), like GET /api/v1/audit;
 * - the metrics bearer token reads it whoever sends it (it replaces the caller's credentials).
 * The default mode (off: open to anyone) and the refusals of a wrong token are in
 * test/metrics/metrics.test.ts.
 */
import { MetricsToken, type MetricsConfig } from '../../../src/registry/metrics/metrics-config.ts'
import type { Operation } from './operations.ts'

const MATRIX_METRICS_TOKEN = 'matrix-metrics-token-0123456789'

export const MATRIX_METRICS_CONFIG: MetricsConfig = { enabled: true, auth: { admin: true, token: new MetricsToken(MATRIX_METRICS_TOKEN) } }

export function metricsOperations(): Operation[] {
  const surface = { api: 'fastify', route: 'GET /metrics' } as const
  return [
    { label: 'read /metrics with one\'s own credentials (admin mode)', surface, need: () => ({ kind: 'server' }), ok: [200],
      request: () => ({ method: 'GET', path: '/metrics' }),
      check: (_c, text) => (text.includes('# TYPE drydock_http_requests_total counter') ? undefined : 'not the exposition') },
    { label: 'read /metrics with the metrics bearer token (token mode)', surface, need: () => ({ kind: 'open' }), ok: [200],
      request: () => ({ method: 'GET', path: '/metrics', authorization: `Bearer ${MATRIX_METRICS_TOKEN}` }) },
  ]
}
