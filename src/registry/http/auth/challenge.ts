/**
 * The errors that make clients log in: 401 UNAUTHORIZED with
 * `WWW-Authenticate: Bearer realm="<base>/token",service="<service>",scope="…"` (the token spec's
 * challenge; `error="insufficient_scope"` or `"invalid_token"` when a token was sent), and 403
 * DENIED for an authenticated caller who asked for the scope and was refused.
 */
import type { FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'

export function realmOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/token`
}

function scopeDetail(scope: string): { Type: string; Name: string; Action: string } {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  return { Type: scope.slice(0, first), Name: scope.slice(first + 1, last), Action: scope.slice(last + 1) }
}

export function challenge(request: FastifyRequest, service: string, opts: { scope?: string; error?: string; message?: string } = {}): RegistryError {
  const parts = [`realm="${realmOf(request)}"`, `service="${service}"`]
  if (opts.scope) parts.push(`scope="${opts.scope}"`)
  if (opts.error) parts.push(`error="${opts.error}"`)
  return new RegistryError('UNAUTHORIZED', opts.message ?? 'authentication required', {
    headers: { 'WWW-Authenticate': `Bearer ${parts.join(',')}` },
    // distribution's detail for a missing scope: which resource and actions were needed.
    ...(opts.scope ? { detail: [scopeDetail(opts.scope)] } : {}),
  })
}

export function denied(repository: string, action: string): RegistryError {
  return new RegistryError('DENIED', 'requested access to the resource is denied', { detail: { repository, action } })
}
