/**
 * How a request appears in the logs: Fastify's own fields, with the URL's credential parts cut
 * out. A pre-signed ECR download URL (`/ecr-download/<token>`) carries its credential in the
 * path, so the token is replaced by `[redacted]` in every log line that serializes the request.
 */
import type { FastifyRequest } from 'fastify'
import { DOWNLOAD_PATH } from '../ecr/download/download-url.ts'

export function redactUrl(url: string): string {
  return url.startsWith(DOWNLOAD_PATH) ? `${DOWNLOAD_PATH}[redacted]` : url
}

/** Fastify's `req` serializer (lib/logger-pino.js) with redactUrl applied. */
export function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}
