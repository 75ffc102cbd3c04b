/**
 * Blob uploads (spec "Pushing blobs"): POST to start (or monolithic POST ?digest=, or mount),
 * PATCH chunks (with or without Content-Range), PUT ?digest= to finish, GET status, DELETE cancel.
 * A declared length (Content-Length, Content-Range) that would take the blob past the size limit
 * is refused before any byte is read; the upload service cuts off undeclared (chunked) bodies, and
 * refuses (and undoes) a chunk whose body is not exactly as long as its Content-Range says.
 * Sessions belong to the principal that started them: every call passes who is asking.
 */
import type { FastifyReply } from 'fastify'
import { isDigest, parseDigest, type Digest } from '../../../oci/digest.ts'
import { RegistryError } from '../../../oci/errors.ts'
import { isRepositoryName, type RepositoryName } from '../../../oci/reference.ts'
import type { UploadSession } from '../../distribution/upload-service.ts'
import { rangeMismatch } from '../../distribution/errors.ts'
import { checkBlobSize } from '../../distribution/upload-limits.ts'
import { parseContentLength, parseContentRange, uploadRange } from '../headers.ts'
import { requestPrincipal } from '../request-principal.ts'
import type { Handler } from './oci-context.ts'
import { checkLength, clientGone, countedBody, hasBody } from './request-body.ts'

type UploadsRoute = { readonly name: RepositoryName }
type UploadRoute = { readonly name: RepositoryName; readonly id: string }

function sessionHeaders(reply: FastifyReply, s: UploadSession): FastifyReply {
  return reply.headers({
    Location: `/v2/${s.repository}/blobs/uploads/${s.id}`,
    Range: uploadRange(s.offset),
    'Docker-Upload-UUID': s.id,
    'Blob-Upload-Session-ID': s.id,
    'Content-Length': '0',
  })
}

function created(reply: FastifyReply, name: RepositoryName, digest: Digest): FastifyReply {
  return reply
    .code(201)
    .headers({ Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest, 'Content-Length': '0' })
    .send()
}

/** The chunk options naming who asks (with auth on). */
function requester(who: string | undefined): { readonly requester?: string } {
  return who === undefined ? {} : { requester: who }
}

/** The chunk length a Content-Range declares: the body must be exactly that long. */
function declared(range: { readonly start: number; readonly end: number } | undefined): { readonly length?: number } {
  return range === undefined ? {} : { length: range.end - range.start + 1 }
}

function requiredDigest(raw: string | null): Digest {
  if (raw === null || raw === '') throw new RegistryError('DIGEST_INVALID', 'the digest query parameter is required')
  return parseDigest(raw)
}

export const startUpload: Handler<UploadsRoute> = async ({ ctx, route, request, reply, query }) => {
  const mount = query.get('mount')
  if (mount !== null && isDigest(mount)) {
    const from = query.get('from')
    // An invalid `from` is not an error: the spec says to fall back to a normal upload.
    const source = from === null ? undefined : isRepositoryName(from) ? from : null
    if (source !== null && (await ctx.blobs.mount(route.name, mount, source)) !== undefined) {
      return created(reply, route.name, mount)
    }
  }
  const digest = query.get('digest')
  if (digest !== null) checkBlobSize(ctx.uploads.limits, 0, parseContentLength(request.headers['content-length']) ?? 0)
  const who = requestPrincipal(request)
  const session = await ctx.uploads.start(route.name, who)
  if (digest !== null) {
    // Monolithic upload in a single POST.
    const expected = requiredDigest(digest)
    const body = countedBody(request)
    try {
      await ctx.uploads.commit(route.name, session.id, expected, body.source, { signal: clientGone(reply), ...requester(who) })
    } catch (err) {
      // The client never learnt this session's id, so nothing could resume it.
      await ctx.uploads.cancel(route.name, session.id, who).catch(() => undefined)
      throw err
    }
    checkLength(request, body.count())
    return created(reply, route.name, expected)
  }
  return sessionHeaders(reply.code(202), session).send()
}

/** A 416 also tells the client where the session is (spec: Location + Blob-Upload-Session-ID). */
async function withSession<T>(route: UploadRoute, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof RegistryError && err.status === 416) {
      throw new RegistryError(err.code, err.message, {
        status: 416,
        detail: err.detail,
        headers: { ...err.headers, Location: `/v2/${route.name}/blobs/uploads/${route.id}`, 'Blob-Upload-Session-ID': route.id },
      })
    }
    throw err
  }
}

export const patchUpload: Handler<UploadRoute> = async (input) => withSession(input.route, () => patchChunk(input))

const patchChunk: Handler<UploadRoute> = async ({ ctx, route, request, reply }) => {
  const who = requestPrincipal(request)
  const status = await ctx.uploads.status(route.name, route.id, who)
  const range = parseContentRange(request.headers['content-range'], status.offset)
  const length = parseContentLength(request.headers['content-length'])
  if (range && length !== undefined && length !== range.end - range.start + 1) {
    throw new RegistryError('SIZE_INVALID', 'Content-Length does not match Content-Range', { detail: { range, length } })
  }
  if (range) checkBlobSize(ctx.uploads.limits, range.start, range.end - range.start + 1)
  else checkBlobSize(ctx.uploads.limits, status.offset, length ?? 0)
  const body = countedBody(request)
  const s = await ctx.uploads.append(route.name, route.id, body.source, range?.start, { signal: clientGone(reply), ...requester(who), ...declared(range) })
  checkLength(request, body.count())
  return sessionHeaders(reply.code(202), s).send()
}

export const finishUpload: Handler<UploadRoute> = async (input) => withSession(input.route, () => finishChunks(input))

const finishChunks: Handler<UploadRoute> = async ({ ctx, route, request, reply, query }) => {
  const expected = requiredDigest(query.get('digest'))
  const who = requestPrincipal(request)
  const status = await ctx.uploads.status(route.name, route.id, who)
  const range = parseContentRange(request.headers['content-range'], status.offset)
  if (range && range.start !== status.offset) throw rangeMismatch(status.offset, request.headers['content-range'] ?? '')
  checkBlobSize(ctx.uploads.limits, status.offset, parseContentLength(request.headers['content-length']) ?? 0)
  const body = hasBody(request) ? countedBody(request) : undefined
  await ctx.uploads.commit(route.name, route.id, expected, body?.source, { signal: clientGone(reply), ...requester(who), ...(body ? declared(range) : {}) })
  if (body) checkLength(request, body.count())
  return created(reply, route.name, expected)
}

export const uploadStatus: Handler<UploadRoute> = async ({ ctx, route, request, reply }) => {
  const s = await ctx.uploads.status(route.name, route.id, requestPrincipal(request))
  return sessionHeaders(reply.code(204), s).send()
}

export const cancelUpload: Handler<UploadRoute> = async ({ ctx, route, request, reply }) => {
  await ctx.uploads.cancel(route.name, route.id, requestPrincipal(request))
  return reply.code(204).send()
}
