// Content discovery: tags list, catalog and referrers (spec "Content discovery"), with pagination.
import { parseDigest } from '../../../oci/digest.ts'
import { MediaType } from '../../../oci/media-types.ts'
import type { RepositoryName, Tag } from '../../../oci/reference.ts'
import { MAX_PAGE_SIZE } from '../../distribution/tag-service.ts'
import { nextLink, parsePageSize } from '../headers.ts'
import type { Handler } from './oci-context.ts'

type NameRoute = { readonly name: RepositoryName }
type ReferrersRoute = { readonly name: RepositoryName; readonly digest: string }

const JSON_TYPE = 'application/json; charset=utf-8'

export const listTags: Handler<NameRoute> = async ({ ctx, route, reply, query }) => {
  const n = parsePageSize(query.get('n') ?? undefined, MAX_PAGE_SIZE)
  const last = query.get('last') ?? undefined
  const page = await ctx.tags.list(route.name, n, last as Tag | undefined)
  if (page.next !== undefined) reply.header('Link', nextLink(`/v2/${route.name}/tags/list`, n, page.next))
  return reply.code(200).header('Content-Type', JSON_TYPE).send(JSON.stringify({ name: route.name, tags: page.items }))
}

export const listCatalog: Handler<unknown> = async ({ ctx, reply, query }) => {
  const n = parsePageSize(query.get('n') ?? undefined, MAX_PAGE_SIZE)
  const last = query.get('last') ?? undefined
  const page = await ctx.tags.catalog(n, last as RepositoryName | undefined)
  if (page.next !== undefined) reply.header('Link', nextLink('/v2/_catalog', n, page.next))
  return reply.code(200).header('Content-Type', JSON_TYPE).send(JSON.stringify({ repositories: page.items }))
}

export const listReferrers: Handler<ReferrersRoute> = async ({ ctx, route, reply, query }) => {
  const subject = parseDigest(route.digest)
  const artifactType = query.get('artifactType') ?? undefined
  const index = await ctx.referrers.list(route.name, subject, artifactType)
  if (artifactType !== undefined) reply.header('OCI-Filters-Applied', 'artifactType')
  return reply.code(200).header('Content-Type', MediaType.ociIndex).send(Buffer.from(JSON.stringify(index)))
}
