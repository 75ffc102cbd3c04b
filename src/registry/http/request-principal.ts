/**
 * Who makes a /v2 request, as the auth gate established it (the token's subject), for handlers
 * that must tell principals apart (upload sessions belong to whoever started them). Undefined
 * with auth off and for anonymous requests. Set only by http/auth/register-auth.ts.
 *
 * requestPrincipalObject gives the full Principal (the deploy gate's `appliesTo` needs kind and
 * admin flag). It is resolved on demand and once per request, since it reads the store:
 * anonymous with auth off and for anonymous requests.
 */
import type { FastifyRequest } from 'fastify'
import { ANONYMOUS, type Principal } from '../auth/principal.ts'

const principals = new WeakMap<FastifyRequest, string>()
const resolvers = new WeakMap<FastifyRequest, () => Promise<Principal>>()

export function setRequestPrincipal(request: FastifyRequest, principal: string, resolve?: () => Promise<Principal>): void {
  principals.set(request, principal)
  if (resolve !== undefined) {
    let once: Promise<Principal> | undefined
    resolvers.set(request, () => (once ??= resolve()))
  }
}

export function requestPrincipal(request: FastifyRequest): string | undefined {
  return principals.get(request)
}

export function requestPrincipalObject(request: FastifyRequest): Promise<Principal> {
  return resolvers.get(request)?.() ?? Promise.resolve(ANONYMOUS)
}
