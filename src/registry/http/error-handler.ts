/**
 * THE single place where errors become wire responses (`{"errors":[{code,message,detail}]}`,
 * spec "Error Codes"). Handlers and services throw; they never build error JSON.
 *  - RegistryError: its status, headers and envelope.
 *  - a client that went away mid-request (aborted upload): logged at debug, 400 if anyone listens.
 *  - Fastify's own 4xx errors (malformed URL, bad header): mapped to a spec code, never a 500.
 *  - anything else: 500 UNKNOWN, logged once at error level with the request id; no internals leak.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { applySecurityHeaders } from './security-headers.ts'
import { isRegistryError, RegistryError, toErrorBody, type OciErrorCode } from '../../oci/errors.ts'

const CLIENT_GONE = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED', 'EPIPE', 'ABORT_ERR'])

export function isClientAbort(err: unknown, request: FastifyRequest): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return (typeof code === 'string' && CLIENT_GONE.has(code)) || (err as Error | null)?.message === 'aborted' ||
    request.raw.destroyed && !request.raw.complete
}

function fastifyCode(status: number): OciErrorCode {
  if (status === 413) return 'SIZE_INVALID'
  if (status === 404) return 'NAME_UNKNOWN'
  return 'UNSUPPORTED'
}

/** Maps any thrown value to the RegistryError that will be sent. */
export function toRegistryError(err: unknown, request: FastifyRequest): { readonly error: RegistryError; readonly bug: boolean } {
  if (isRegistryError(err)) return { error: err, bug: false }
  if (isClientAbort(err, request)) {
    return { error: new RegistryError('BLOB_UPLOAD_INVALID', 'request body was interrupted', { cause: err }), bug: false }
  }
  if ((err as FastifyError | null)?.code === 'FST_ERR_BAD_URL') {
    return { error: new RegistryError('NAME_INVALID', 'malformed URL', { cause: err }), bug: false }
  }
  const status = (err as FastifyError | null)?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = (err as Error).message.slice(0, 200)
    return { error: new RegistryError(fastifyCode(status), message, { status, cause: err }), bug: false }
  }
  return { error: new RegistryError('UNKNOWN', 'unknown error', { cause: err }), bug: true }
}

export function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { error, bug } = toRegistryError(err, request)
  if (bug) request.log.error({ err }, 'unhandled error')
  else if (error.status >= 500) request.log.warn({ code: error.code }, error.message)
  else request.log.debug({ code: error.code, status: error.status }, error.message)
  // The request stream is destroyed once its body has been read, so ask the response side
  // whether anyone is still listening.
  if (reply.sent || reply.raw.destroyed || reply.raw.socket?.destroyed === true) return reply
  applySecurityHeaders(request, reply)
  reply.headers(error.headers)
  reply.code(error.status).header('Content-Type', 'application/json; charset=utf-8')
  // HEAD responses carry the status and headers only. A client that resolves tags with HEAD and
  // stops at the status (containerd's `ctr`) prints only the status line, so a refusal's reason
  // (a deploy policy's DENIED message) goes into the reason phrase too.
  if (request.method === 'HEAD') {
    if (error.code === 'DENIED') reply.raw.statusMessage = reasonPhrase(`Forbidden: ${error.message}`)
    return reply.send()
  }
  return reply.send(JSON.stringify(toErrorBody(error)))
}

/** A status line's reason phrase: printable ASCII only (RFC 9112 allows no CR/LF), bounded. */
function reasonPhrase(text: string): string {
  const ascii = text.replace(/\u2026/g, '...').replace(/[^\x20-\x7e]+/g, ' ')
  return ascii.length > 512 ? `${ascii.slice(0, 509)}...` : ascii
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply))
  app.setNotFoundHandler((request, reply) =>
    sendError(new RegistryError('UNSUPPORTED', 'no such endpoint', { status: 404, detail: { path: request.url.slice(0, 200) } }), request, reply),
  )
}
