/**
 * Who makes a /v2 request, as the auth gate established it (the token's subject), for handlers
 * that must tell principals apart (upload sessions belong to whoever started them). Undefined
 * with auth off and for anonymous requests. Set only by http/auth/register-auth.ts.
 */
import type { FastifyRequest } from 'fastify'

const principals = new WeakMap<FastifyRequest, string>()

export function setRequestPrincipal(request: FastifyRequest, principal: string): void {
  principals.set(request, principal)
}

export function requestPrincipal(request: FastifyRequest): string | undefined {
  return principals.get(request)
}
