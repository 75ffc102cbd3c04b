/**
 * `/v2/_catalog` with auth on: only repositories the caller may pull, with the same n/last
 * pagination as the open catalog. Walks the repository list in pages and filters, so memory
 * stays bounded whatever the number of repositories.
 */
import type { FastifyReply } from 'fastify'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { allowedActions } from '../../auth/permissions.ts'
import type { Principal } from '../../auth/principal.ts'
import { MAX_PAGE_SIZE } from '../../distribution/tag-service.ts'
import type { MetadataStore } from '../../metadata/store.ts'
import { nextLink, parsePageSize } from '../headers.ts'

const SCAN_PAGE = 500

export async function sendFilteredCatalog(
  auth: AuthService, store: MetadataStore, p: Principal, query: URLSearchParams, reply: FastifyReply,
): Promise<FastifyReply> {
  const n = parsePageSize(query.get('n') ?? undefined, MAX_PAGE_SIZE) ?? MAX_PAGE_SIZE
  const explicitN = query.get('n') === null ? undefined : n
  let last = (query.get('last') ?? undefined) as RepositoryName | undefined
  // One grants lookup per request, not per repository.
  let grants: Awaited<ReturnType<typeof auth.permissions.grantsOfUser>> | undefined
  const sources = {
    grantsOfUser: async (u: string) => (grants ??= await auth.permissions.grantsOfUser(u)),
    isPublic: (r: string) => auth.permissions.isPublic(r),
  }
  const out: string[] = []
  let more = false
  while (out.length <= n) {
    const page = await store.repositories.list(last === undefined ? { n: SCAN_PAGE } : { n: SCAN_PAGE, last })
    for (const name of page) {
      if ((await allowedActions(p, name, sources)).includes('pull')) out.push(name)
      if (out.length > n) break
    }
    if (page.length < SCAN_PAGE || out.length > n) {
      more = out.length > n
      break
    }
    last = page[page.length - 1]
  }
  const items = out.slice(0, n)
  if (more && items.length > 0) reply.header('Link', nextLink('/v2/_catalog', explicitN, items[items.length - 1] ?? ''))
  return reply.code(200).header('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify({ repositories: items }))
}
