/**
 * Request bodies must keep coming, or their connection is let go (issue #12: one byte every
 * 5 s held hundreds of connections, and their file descriptors, for minutes). Installed once for
 * every route, before any handler or access check runs:
 *  - small bodies (token form, manifests, API JSON: everything but blob uploads) have a total
 *    deadline (limits.bodyTimeout). A reader still waiting then gets a 408 (readers race the
 *    signal from bodyDeadline(); the answer closes the connection). A body nobody reads, for
 *    example after a 401 sent before the body, has its connection closed at the deadline.
 *  - blob upload bodies (POST/PATCH/PUT under /blobs/uploads/) may be large and slow, so they
 *    have no total deadline, only a minimum progress: at least `bytes` in every `windowMs`
 *    (limits.uploadMinProgress / uploadStallTimeout). A slow but steady upload survives; a
 *    trickle is cut like a client that went away, and the upload stays resumable.
 * Slow request headers are Node's business: its headersTimeout (60 s, checked every 30 s) stays.
 */
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../../oci/errors.ts'

export interface BodyDeadlineLimits {
  readonly bodyTimeoutMs: number
  readonly uploadMinProgress: { readonly bytes: number; readonly windowMs: number }
}

const deadlines = new WeakMap<IncomingMessage, AbortSignal>()

/** After a 408, how long a reader has to answer before the connection is closed regardless. */
const ANSWER_GRACE_MS = 2000

const UPLOAD_PATH = /^\/v2\/.+\/blobs\/uploads\/[^/]*$/

function isBlobUpload(request: FastifyRequest): boolean {
  const url = request.raw.url ?? ''
  const q = url.indexOf('?')
  return request.method !== 'GET' && request.method !== 'HEAD' && UPLOAD_PATH.test(q < 0 ? url : url.slice(0, q))
}

function carriesBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
}

export function installBodyDeadlines(app: FastifyInstance, limits: BodyDeadlineLimits): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!carriesBody(request) || request.raw.complete) return
    if (isBlobUpload(request)) watchProgress(request, limits.uploadMinProgress)
    else armDeadline(request, reply, limits.bodyTimeoutMs)
  })
}

/**
 * Aborts when the request's small-body deadline passes. Readers of small bodies race it and
 * throw bodyTimeout(); undefined when no deadline applies (no body, or a blob upload).
 */
export function bodyDeadline(request: FastifyRequest): AbortSignal | undefined {
  return deadlines.get(request.raw)
}

/**
 * Reads a small body into memory: more than `max` bytes throws tooLarge(), the deadline throws
 * the 408. The stream is never destroyed here, so that either answer can still be sent.
 */
export async function readSmallBodyBytes(request: FastifyRequest, max: number, tooLarge: () => Error): Promise<Buffer> {
  const signal = bodyDeadline(request)
  if (signal?.aborted) throw signal.reason
  const chunks = request.raw.iterator({ destroyOnReturn: false })
  let onAbort = (): void => undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  const parts: Buffer[] = []
  let total = 0
  try {
    for (;;) {
      const next = await (signal ? Promise.race([chunks.next(), aborted]) : chunks.next())
      if (next.done) break
      const chunk = next.value as Buffer
      total += chunk.byteLength
      if (total > max) throw tooLarge()
      parts.push(chunk)
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    // Not awaited: it would wait for a chunk that may never come.
    void chunks.return?.()
  }
  return Buffer.concat(parts)
}

/** The 408 a reader answers when the deadline passed; it closes the connection. */
export function bodyTimeout(ms: number): RegistryError {
  return new RegistryError('UNSUPPORTED', `request body not received within ${Math.round(ms / 1000)} s`, {
    status: 408,
    headers: { Connection: 'close' },
  })
}

function armDeadline(request: FastifyRequest, reply: FastifyReply, ms: number): void {
  const ac = new AbortController()
  deadlines.set(request.raw, ac.signal)
  const socket = request.raw.socket
  const hangUp = (): void => {
    if (!request.raw.complete) socket.destroy()
  }
  const timer = setTimeout(() => {
    done()
    if (request.raw.complete) return
    request.log.info({ deadlineMs: ms }, 'request body too slow: deadline passed')
    ac.abort(bodyTimeout(ms))
    // Already answered (nobody will read the rest): hang up now. Otherwise the reader answers
    // 408 and closes; should nobody read, hang up shortly after.
    if (reply.raw.writableFinished) hangUp()
    else setTimeout(hangUp, ANSWER_GRACE_MS).unref()
  }, ms)
  timer.unref()
  // Keep-alive sockets serve many requests: leave no listener behind.
  const done = (): void => {
    clearTimeout(timer)
    request.raw.removeListener('end', done)
    socket.removeListener('close', done)
  }
  request.raw.once('end', done)
  socket.once('close', done)
}

function watchProgress(request: FastifyRequest, min: BodyDeadlineLimits['uploadMinProgress']): void {
  if (min.bytes <= 0) return
  const socket = request.raw.socket
  let seen = socket.bytesRead
  const timer = setInterval(() => {
    if (request.raw.complete || socket.destroyed) return done()
    const now = socket.bytesRead
    if (now - seen < min.bytes) {
      request.log.info({ receivedBytes: now - seen, windowMs: min.windowMs }, 'upload body too slow: connection closed')
      done()
      socket.destroy()
      return
    }
    seen = now
  }, min.windowMs)
  timer.unref()
  const done = (): void => {
    clearInterval(timer)
    request.raw.removeListener('end', done)
    socket.removeListener('close', done)
  }
  request.raw.once('end', done)
  socket.once('close', done)
}
