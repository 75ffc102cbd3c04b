/**
 * Paging through a repository's images for DescribeImages and ListImages: the manifests in digest
 * order (as the metadata store lists them), each with its tags, filtered by ECR's tagStatus. The
 * `nextToken` is opaque to clients: base64url JSON of the repository, the digest to resume at and
 * how many of that image's entries were already answered (ListImages answers one entry per tag).
 */
import { isDigest, type Digest } from '../../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../../oci/reference.ts'
import type { ManifestRecord } from '../../metadata/store.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext } from '../operation.ts'

/** ECR's default page size of DescribeImages and ListImages. */
export const DEFAULT_IMAGE_PAGE = 100
/** Tags reported per image (ECR allows 1000 tags on one image). */
export const MAX_TAGS_PER_IMAGE = 1000
/** Manifests read from the store per round trip while filling a page. */
const STORE_BATCH = 200

export type TagStatus = 'TAGGED' | 'UNTAGGED' | 'ANY'

export interface RepositoryImage {
  readonly record: ManifestRecord
  readonly tags: readonly Tag[]
}

/** Where a page starts: at `digest` (inclusive), skipping its first `skip` entries. */
export interface ImageCursor {
  readonly digest: Digest
  readonly skip: number
}

export function encodeCursor(repo: RepositoryName, cursor: ImageCursor): string {
  return Buffer.from(JSON.stringify({ r: repo, d: cursor.digest, k: cursor.skip })).toString('base64url')
}

export function decodeCursor(repo: RepositoryName, raw: unknown, operation: string): ImageCursor | undefined {
  if (raw === undefined || raw === null) return undefined
  try {
    const t = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8')) as { r?: unknown; d?: unknown; k?: unknown }
    if (t.r === repo && typeof t.d === 'string' && isDigest(t.d) && Number.isSafeInteger(t.k) && (t.k as number) >= 0) {
      return { digest: t.d, skip: t.k as number }
    }
  } catch {
    // falls through to the error below
  }
  throw new EcrError('InvalidParameterException', `Invalid parameter at 'nextToken' failed to satisfy constraint: 'a token returned by ${operation} for this repository'`)
}

function wanted(status: TagStatus, tags: readonly Tag[]): boolean {
  return status === 'ANY' || (status === 'TAGGED') === tags.length > 0
}

/** The images of `repo` from `cursor.digest` on (inclusive), in digest order, with their tags. */
export async function* repositoryImages(ctx: EcrContext, repo: RepositoryName, status: TagStatus, from?: Digest): AsyncGenerator<RepositoryImage> {
  const { store } = ctx.services
  if (from !== undefined) {
    const first = await store.manifests.get(repo, from)
    if (first) {
      const tags = await store.tags.ofDigest(repo, from, MAX_TAGS_PER_IMAGE)
      if (wanted(status, tags)) yield { record: first, tags }
    }
  }
  let last = from
  for (;;) {
    const batch = await store.manifests.list(repo, { n: STORE_BATCH, ...(last === undefined ? {} : { last }) })
    for (const record of batch) {
      last = record.digest
      const tags = await store.tags.ofDigest(repo, record.digest, MAX_TAGS_PER_IMAGE)
      if (wanted(status, tags)) yield { record, tags }
    }
    if (batch.length < STORE_BATCH) return
  }
}
