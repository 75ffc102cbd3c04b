/**
 * Counts every answered request (docs/metrics.md "HTTP"): its door, its route pattern, method and
 * status, and its duration. Labels come from the route Fastify matched, never from the URL, so a
 * repository name, digest or upload id can never become a label value: /v2 requests are labelled
 * by their endpoint kind (`/v2/{name}/manifests/{reference}`), requests that matched no route by
 * `unmatched`, and methods outside the standard set by `OTHER`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Door, HttpMetrics } from '../metrics/registry-metrics.ts'
import { matchOciPath, type OciRoute } from './oci/oci-router.ts'

const V2_PATTERNS: Readonly<Record<OciRoute['kind'], string>> = {
  base: '/v2/',
  catalog: '/v2/_catalog',
  tags: '/v2/{name}/tags/list',
  manifest: '/v2/{name}/manifests/{reference}',
  blob: '/v2/{name}/blobs/{digest}',
  uploads: '/v2/{name}/blobs/uploads/',
  upload: '/v2/{name}/blobs/uploads/{id}',
  referrers: '/v2/{name}/referrers/{digest}',
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

function pathOf(request: FastifyRequest): string {
  const url = request.raw.url ?? '/'
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}

/** The door, from the first path segment (bounded whatever the client sends). */
export function doorOf(path: string, method: string): Door {
  const first = path.split('/')[1] ?? ''
  switch (first) {
    case 'v2':
      return 'v2'
    case 'api':
      return 'api'
    case 'token':
      return 'token'
    case 'admission':
      return 'admission'
    case 'ecr-download':
      // The ECR API's pre-signed layer URLs (http/ecr/ecr-download-route.ts).
      return 'ecr'
    case 'metrics':
      return 'metrics'
    case 'healthz':
    case 'readyz':
      return 'health'
    case '':
      // The ECR API is POST / (http/ecr/ecr-door.ts).
      return method === 'POST' ? 'ecr' : 'other'
    default:
      return 'other'
  }
}

/** The route pattern: Fastify's matched route, refined to the endpoint kind under /v2. */
export function routeOf(request: FastifyRequest, path: string): string {
  const pattern = request.routeOptions.url
  if (pattern === undefined) return 'unmatched'
  if (pattern === '/v2' || pattern === '/v2/*') {
    const route = matchOciPath(path.replace(/^\/v2\/?/, ''))
    return route ? V2_PATTERNS[route.kind] : '/v2/*'
  }
  return pattern
}

export function installRequestMetrics(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const path = pathOf(request)
    const method = METHODS.has(request.method) ? request.method : 'OTHER'
    metrics.httpRequest({ door: doorOf(path, method), route: routeOf(request, path), method, status: reply.statusCode, seconds: reply.elapsedTime / 1000 })
  })
}
