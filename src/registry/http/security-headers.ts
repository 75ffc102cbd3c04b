/**
 * Response headers sent on every response, errors included: set in onRequest, and again by the
 * error handler for errors Fastify raises before any hook runs (malformed URLs). HSTS only over
 * TLS (request.protocol reflects the socket, as trustProxy is off): over plain HTTP it is noise.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export function applySecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('X-Content-Type-Options', 'nosniff')
  reply.header('X-Frame-Options', 'DENY')
  reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'")
  reply.header('Referrer-Policy', 'no-referrer')
  if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  const url = request.raw.url ?? ''
  if (url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?')) {
    reply.header('Docker-Distribution-API-Version', 'registry/2.0')
  }
}

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => applySecurityHeaders(request, reply))
}
