// GET/HEAD/DELETE /v2/<name>/blobs/<digest> (spec "Pulling blobs", "Deleting blobs"), with byte ranges.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseDigest, type Digest } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { BlobService } from '../../distribution/blob-service.ts'
import type { PullMetrics } from '../../metrics/registry-metrics.ts'
import { notModified, parseRangeHeader } from '../headers.ts'
import type { Handler } from './oci-context.ts'
import { reclaiming } from '../../runtime/buffer-reclaimer.ts'

type BlobRoute = { readonly name: RepositoryName; readonly digest: string }

export const getBlob: Handler<BlobRoute> = async ({ ctx, route, request, reply }) =>
  sendBlob(ctx.blobs, route.name, parseDigest(route.digest), request, reply, ctx.metrics)

/**
 * Answers GET/HEAD of a blob linked to `repo`: validators, byte ranges, streamed bytes. Shared
 * by /v2 and the ECR door's pre-signed download URLs (http/ecr/ecr-download-route.ts), so a
 * blob is served the same way whichever door hands it out.
 */
export async function sendBlob(
  blobs: BlobService, repo: RepositoryName, digest: Digest, request: FastifyRequest, reply: FastifyReply, metrics?: Pick<PullMetrics, 'blobBytesSent'>,
): Promise<FastifyReply> {
  const { size } = await blobs.stat(repo, digest)
  if (notModified(request.headers['if-none-match'], `"${digest}"`)) {
    return reply.code(304).headers({ ETag: `"${digest}"`, 'Docker-Content-Digest': digest }).send()
  }
  const range = parseRangeHeader(request.headers.range, size)
  reply.headers({
    'Docker-Content-Digest': digest,
    'Content-Type': 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: `"${digest}"`,
    // Content-addressed: the bytes behind a digest never change.
    'Cache-Control': 'max-age=31536000, immutable',
  })
  if (range) {
    reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
  }
  const length = range ? range.end - range.start + 1 : size
  reply.header('Content-Length', String(length))
  if (request.method === 'HEAD') return reply.send()
  const stream = await blobs.open(repo, digest, range)
  // Counted once the whole body is handed to the socket: a transfer the client cut short is not.
  if (metrics) reply.raw.once('finish', () => metrics.blobBytesSent(length))
  return reply.send(reclaiming(stream))
}

export const deleteBlob: Handler<BlobRoute> = async ({ ctx, route, reply }) => {
  const digest = parseDigest(route.digest)
  await ctx.blobs.delete(route.name, digest)
  return reply.code(202).header('Content-Length', '0').send()
}
