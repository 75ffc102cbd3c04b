/**
 * The raw request body as a byte stream (the app installs a no-op body parser, so Fastify never
 * buffers it) plus helpers to bound it. A client that disconnects makes the iteration throw,
 * which the error handler reports as an interrupted request rather than a server fault.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import { parseContentLength } from '../headers.ts'
import { bufferReclaimer } from '../../runtime/buffer-reclaimer.ts'
import { readSmallBodyBytes } from '../body-deadlines.ts'

export interface CountedBody {
  readonly source: AsyncIterable<Uint8Array>
  /** Bytes yielded so far. */
  readonly count: () => number
}

/** Whether the request carries a body at all (a length > 0 or chunked transfer). */
export function hasBody(request: FastifyRequest): boolean {
  const len = parseContentLength(request.headers['content-length'])
  return (len !== undefined && len > 0) || request.headers['transfer-encoding'] !== undefined
}

/** How long a client may go on sending a body nobody reads (after a refusal) before we hang up. */
export const UNREAD_BODY_LINGER_MS = 2000

export function countedBody(request: FastifyRequest): CountedBody {
  let n = 0
  const reclaimer = bufferReclaimer()
  async function* source(): AsyncIterable<Uint8Array> {
    let complete = false
    try {
      // destroyOnReturn: false: a consumer that stops early (a size limit) leaves the socket
      // open, so the error response can still reach the client; Node discards the rest.
      for await (const chunk of request.raw.iterator({ destroyOnReturn: false })) {
        const bytes = chunk as Uint8Array
        n += bytes.byteLength
        yield bytes
        // The consumer asked for the next chunk, so it is done with this one.
        reclaimer.released(bytes.byteLength)
      }
      complete = true
    } finally {
      // ...but only for a while: a body that never ends must not hold the connection.
      if (!complete) setTimeout(() => request.raw.socket?.destroy(), UNREAD_BODY_LINGER_MS).unref()
    }
  }
  return { source: source(), count: () => n }
}

/** Throws SIZE_INVALID when the bytes received differ from a declared Content-Length. */
export function checkLength(request: FastifyRequest, received: number): void {
  const declared = parseContentLength(request.headers['content-length'])
  if (declared !== undefined && declared !== received) {
    throw new RegistryError('SIZE_INVALID', 'provided length did not match content length', { detail: { declared, received } })
  }
}

/** Reads a small body (a manifest) into memory, refusing more than `max` bytes with 413. */
export async function readLimited(request: FastifyRequest, max: number): Promise<Buffer> {
  const tooLarge = (): RegistryError =>
    // No `Connection: close`: hanging up while the client is still sending can reset the
    // connection before it reads the 413. Node discards the rest of the body after the answer,
    // and the small-body deadline (body-deadlines.ts) hangs up on a body that never ends.
    new RegistryError('SIZE_INVALID', `manifest larger than the ${max}-byte limit`, { status: 413, detail: { limit: max } })
  const declared = parseContentLength(request.headers['content-length'])
  if (declared !== undefined && declared > max) throw tooLarge()
  // Bounded in time too: the small-body deadline (body-deadlines.ts) answers 408.
  const body = await readSmallBodyBytes(request, max, tooLarge)
  checkLength(request, body.byteLength)
  return body
}

/**
 * Aborts when the client disconnects before the response is complete. (Fastify's
 * request.signal also fires when the request body has merely been read to the end, which
 * would abort work that must continue after the last byte, such as re-hashing at commit.)
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const ac = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort()
  })
  return ac.signal
}
