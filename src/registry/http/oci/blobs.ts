// GET/HEAD/DELETE /v2/<name>/blobs/<digest> (spec "Pulling blobs", "Deleting blobs"), with byte ranges.
import { parseDigest } from '../../../oci/digest.ts'
import { notModified, parseRangeHeader } from '../headers.ts'
import type { Handler } from './oci-context.ts'
import { reclaiming } from '../../runtime/buffer-reclaimer.ts'

type BlobRoute = { readonly name: import('../../../oci/reference.ts').RepositoryName; readonly digest: string }

export const getBlob: Handler<BlobRoute> = async ({ ctx, route, request, reply }) => {
  const digest = parseDigest(route.digest)
  const { size } = await ctx.blobs.stat(route.name, digest)
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
  reply.header('Content-Length', String(range ? range.end - range.start + 1 : size))
  if (request.method === 'HEAD') return reply.send()
  const stream = await ctx.blobs.open(route.name, digest, range)
  return reply.send(reclaiming(stream))
}

export const deleteBlob: Handler<BlobRoute> = async ({ ctx, route, reply }) => {
  const digest = parseDigest(route.digest)
  await ctx.blobs.delete(route.name, digest)
  return reply.code(202).header('Content-Length', '0').send()
}
