/**
 * GET/HEAD/PUT/DELETE /v2/<name>/manifests/<reference> (spec "Pulling manifests",
 * "Pushing manifests", "Deleting manifests").
 *
 * Accept negotiation: we serve the stored bytes in their stored media type (no conversion).
 * When the client sent an Accept header that names neither that type nor a wildcard, the
 * manifest is reported as MANIFEST_UNKNOWN (404), as distribution does for an OCI manifest
 * requested with only Docker types: the client asked for something we cannot give it.
 */
import { isTag, parseManifestReference, type ManifestReference, type RepositoryName } from '../../../oci/reference.ts'
import { manifestUnknown } from '../../distribution/errors.ts'
import type { Handler } from './oci-context.ts'
import { readLimited } from './request-body.ts'
import { notModified } from '../headers.ts'
import { requestPrincipal } from '../request-principal.ts'

type ManifestRoute = { readonly name: RepositoryName; readonly reference: string }

/** True when the Accept header values allow `mediaType`. */
export function acceptsMediaType(accept: string | string[] | undefined, mediaType: string): boolean {
  if (accept === undefined) return true
  const values = (Array.isArray(accept) ? accept : [accept])
    .flatMap((a) => a.split(','))
    .map((v) => (v.split(';')[0] ?? '').trim().toLowerCase())
    .filter((v) => v !== '')
  if (values.length === 0) return true
  const [type] = mediaType.split('/')
  return values.some((v) => v === '*/*' || v === mediaType || v === `${type}/*`)
}

/**
 * The reference of a GET, HEAD or DELETE. A name that is not a valid tag can name no manifest, so
 * it is unknown (404, as the OCI conformance suite expects); only a PUT refuses it as invalid.
 */
function existingReference(raw: string): ManifestReference {
  if (!raw.includes(':') && !isTag(raw)) throw manifestUnknown(raw.slice(0, 200))
  return parseManifestReference(raw)
}

export const getManifest: Handler<ManifestRoute> = async ({ ctx, route, request, reply }) => {
  const ref = existingReference(route.reference)
  const record = await ctx.manifests.resolve(route.name, ref)
  if (!acceptsMediaType(request.headers.accept, record.mediaType)) throw manifestUnknown(route.reference)
  // Judged on the digest the tag resolved to, so a moved tag cannot swap the image.
  await ctx.pullGate?.checkPull(request, route.name, record.digest)
  // A GET is a pull, also when answered 304 (the client still uses the image); a HEAD only checks.
  if (request.method === 'GET') ctx.manifests.recordPull(record)
  if (notModified(request.headers['if-none-match'], `"${record.digest}"`)) {
    return reply.code(304).headers({ ETag: `"${record.digest}"`, 'Docker-Content-Digest': record.digest }).send()
  }
  reply.headers({
    'Content-Type': record.mediaType,
    'Docker-Content-Digest': record.digest,
    'Content-Length': String(record.size),
    ETag: `"${record.digest}"`,
  })
  if (request.method === 'HEAD') return reply.code(200).send()
  return reply.code(200).send(await ctx.manifests.content(record))
}

export const putManifest: Handler<ManifestRoute> = async ({ ctx, route, request, reply }) => {
  const ref = parseManifestReference(route.reference)
  const body = await readLimited(request, ctx.maxManifestBytes)
  const result = await ctx.manifests.put(route.name, ref, body, request.headers['content-type'], requestPrincipal(request))
  reply.headers({
    Location: `/v2/${route.name}/manifests/${result.digest}`,
    'Docker-Content-Digest': result.digest,
    'Content-Length': '0',
  })
  if (result.subject) reply.header('OCI-Subject', result.subject)
  ctx.pullGate?.manifestPut(route.name, ref.kind === 'tag' ? ref.tag : undefined, result.subject)
  return reply.code(201).send()
}

export const deleteManifest: Handler<ManifestRoute> = async ({ ctx, route, request, reply }) => {
  await ctx.manifests.delete(route.name, existingReference(route.reference), requestPrincipal(request))
  ctx.pullGate?.manifestDeleted(route.name)
  return reply.code(202).header('Content-Length', '0').send()
}
