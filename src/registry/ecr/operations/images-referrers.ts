/**
 * ListImageReferrers (newer than the Debian CLI's model; shapes from @aws-sdk/client-ecr): the
 * manifests whose `subject` is the given image, over the same ReferrersService as GET
 * /v2/<name>/referrers/<digest>, in digest order. `filter.artifactTypes` keeps those types (one
 * type is filtered by the service itself). Drydock archives nothing, so every referrer is ACTIVE:
 * `artifactStatus` ACTIVE or ANY lists them, ARCHIVED or ACTIVATING lists none. Paged with
 * `maxResults` (1..50, default 20, as ECR) and an opaque `nextToken`. Needs pull.
 */
import { isDigest, type Digest } from '../../../oci/digest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { requirePull } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrOperation } from '../operation.ts'
import { checkRegistryId, NEXT_TOKEN, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'
import { IMAGE_DIGEST, requireRepository } from './image-ids.ts'

const DEFAULT_PAGE = 20

interface Filter {
  readonly artifactTypes?: readonly string[]
  readonly artifactStatus?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | 'ANY'
}

function badToken(): EcrError {
  return new EcrError('InvalidParameterException', "Invalid parameter at 'nextToken' failed to satisfy constraint: 'a token returned by ListImageReferrers for this image'")
}

/** The offset a token resumes at; tokens are bound to the subject they were given for. */
function offsetOf(raw: unknown, subject: Digest): number {
  if (raw === undefined || raw === null) return 0
  try {
    const t = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8')) as { s?: unknown; o?: unknown }
    if (t.s === subject && Number.isSafeInteger(t.o) && (t.o as number) > 0) return t.o as number
  } catch {
    // falls through
  }
  throw badToken()
}

const listImageReferrers: EcrOperation = {
  name: 'ListImageReferrers',
  input: {
    type: 'structure',
    required: ['repositoryName', 'subjectId'],
    members: {
      registryId: REGISTRY_ID,
      repositoryName: REPOSITORY_NAME,
      subjectId: { type: 'structure', required: ['imageDigest'], members: { imageDigest: IMAGE_DIGEST } },
      filter: {
        type: 'structure',
        members: {
          artifactTypes: { type: 'list', member: { type: 'string' } },
          artifactStatus: { type: 'string', enum: ['ACTIVE', 'ARCHIVED', 'ACTIVATING', 'ANY'] },
        },
      },
      nextToken: NEXT_TOKEN,
      maxResults: { type: 'integer', min: 1, max: 50 },
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requirePull(ctx, 'ListImageReferrers', repo)
    await requireRepository(ctx, repo)
    const subject = (input['subjectId'] as { imageDigest: string }).imageDigest
    if (!isDigest(subject)) throw new EcrError('InvalidParameterException', "Invalid parameter at 'subjectId.imageDigest' failed to satisfy constraint: 'a sha256 or sha512 digest'")
    const offset = offsetOf(input['nextToken'], subject)
    const max = (input['maxResults'] as number | undefined) ?? DEFAULT_PAGE
    const filter = (input['filter'] as Filter | undefined) ?? {}
    if (filter.artifactStatus === 'ARCHIVED' || filter.artifactStatus === 'ACTIVATING') return { referrers: [] }
    const types = filter.artifactTypes
    const index = await ctx.services.registry.referrers.list(repo, subject, types?.length === 1 ? types[0] : undefined)
    const all = types === undefined || types.length <= 1 ? index.manifests : index.manifests.filter((m) => m.artifactType !== undefined && types.includes(m.artifactType))
    const page = all.slice(offset, offset + max).map((m) => ({
      digest: m.digest,
      mediaType: m.mediaType,
      ...(m.artifactType === undefined ? {} : { artifactType: m.artifactType }),
      size: m.size,
      ...(m.annotations === undefined ? {} : { annotations: m.annotations }),
      artifactStatus: 'ACTIVE',
    }))
    const next = offset + max < all.length ? Buffer.from(JSON.stringify({ s: subject, o: offset + max })).toString('base64url') : undefined
    return { referrers: page, ...(next === undefined ? {} : { nextToken: next }) }
  },
}

export const IMAGE_REFERRER_OPERATIONS: readonly EcrOperation[] = [listImageReferrers]
