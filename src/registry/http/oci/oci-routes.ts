/**
 * Registers the /v2 API on Fastify: one wildcard route, dispatched by the OCI path router and
 * the method table below. A known endpoint with an unsupported method is 405 UNSUPPORTED.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from './blob-uploads.ts'
import { deleteBlob, getBlob } from './blobs.ts'
import { listCatalog, listReferrers, listTags } from './listings.ts'
import { deleteManifest, getManifest, putManifest } from './manifests.ts'
import type { Handler, OciContext } from './oci-context.ts'
import { matchOciPath, type OciRoute } from './oci-router.ts'

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
type Table = { readonly [K in OciRoute['kind']]: Partial<Record<Method, Handler<Extract<OciRoute, { kind: K }>>>> }

const base: Handler<unknown> = async ({ reply }) =>
  reply.code(200).header('Content-Type', 'application/json; charset=utf-8').send('{}')

const TABLE: Table = {
  base: { GET: base, HEAD: base },
  catalog: { GET: listCatalog },
  tags: { GET: listTags },
  manifest: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: deleteManifest },
  blob: { GET: getBlob, HEAD: getBlob, DELETE: deleteBlob },
  uploads: { POST: startUpload },
  upload: { GET: uploadStatus, PATCH: patchUpload, PUT: finishUpload, DELETE: cancelUpload },
  referrers: { GET: listReferrers },
}

const METHODS: readonly Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

/** Every /v2 endpoint kind and the methods it answers (the permission-matrix test covers each). */
export const OCI_ENDPOINTS: ReadonlyArray<{ readonly kind: OciRoute['kind']; readonly methods: readonly Method[] }> =
  Object.entries(TABLE).map(([kind, handlers]) => ({ kind: kind as OciRoute['kind'], methods: Object.keys(handlers) as Method[] }))

export function registerOciRoutes(app: FastifyInstance, ctx: OciContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const url = request.raw.url ?? '/'
    const q = url.indexOf('?')
    const path = (q < 0 ? url : url.slice(0, q)).replace(/^\/v2\/?/, '')
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1))
    const route = matchOciPath(path)
    if (!route) throw new RegistryError('UNSUPPORTED', 'no such endpoint', { status: 404, detail: { path: path.slice(0, 200) } })
    const handlers = TABLE[route.kind] as Partial<Record<Method, Handler<OciRoute>>>
    const fn = handlers[request.method as Method]
    if (!fn) {
      reply.header('Allow', Object.keys(handlers).join(', '))
      throw new RegistryError('UNSUPPORTED', `method ${request.method} not allowed here`, { status: 405 })
    }
    return fn({ ctx, route, request, reply, query })
  }
  app.route({ method: [...METHODS], url: '/v2', handler })
  app.route({ method: [...METHODS], url: '/v2/*', handler })
}
