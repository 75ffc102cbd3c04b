/**
 * DescribeImages and ListImages: a repository's manifests (ECR's images), each with its tags, in
 * digest order, paged with `maxResults` (1..1000, default 100) and an opaque `nextToken`.
 * DescribeImages counts images; ListImages counts image ids, one per tag (an untagged image is one
 * id with its digest only), as ECR answers them. An index's platform manifests are images too
 * (untagged), as in ECR. Both need pull.
 */
import type { RepositoryName } from '../../../oci/reference.ts'
import { requirePull } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import { checkRegistryId, MAX_RESULTS, NEXT_TOKEN, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'
import { imageDetails } from './image-detail.ts'
import { imageNotFound } from './image-identifier.ts'
import { IMAGE_ID_LIST, parseImageId, requireRepository, resolveImageId, ImageIdFailure, TAG_STATUS, uniqueIds, type ImageId } from './image-ids.ts'
import { decodeCursor, DEFAULT_IMAGE_PAGE, encodeCursor, MAX_TAGS_PER_IMAGE, repositoryImages, type RepositoryImage, type TagStatus } from './image-pages.ts'

function tagStatusOf(input: Record<string, unknown>): TagStatus {
  return ((input['filter'] as { tagStatus?: TagStatus } | undefined)?.tagStatus) ?? 'ANY'
}

/** DescribeImages with imageIds: each must exist (ImageNotFoundException otherwise, as ECR answers). */
async function describeById(ctx: EcrContext, repo: RepositoryName, ids: readonly ImageId[]): Promise<Record<string, unknown>> {
  const images: RepositoryImage[] = []
  const seen = new Set<string>()
  for (const id of uniqueIds(ids)) {
    let image: RepositoryImage
    try {
      const record = await resolveImageId(ctx, repo, parseImageId(id))
      image = { record, tags: await ctx.services.store.tags.ofDigest(repo, record.digest, MAX_TAGS_PER_IMAGE) }
    } catch (err) {
      if (!(err instanceof ImageIdFailure)) throw err
      if (err.code === 'ImageNotFound') {
        throw imageNotFound(ctx, repo, id)
      }
      throw new EcrError('InvalidParameterException', `Invalid parameter at 'imageIds': ${err.message}`)
    }
    // Two ids of one image (its tag and its digest) describe it once.
    if (!seen.has(image.record.digest)) images.push(image)
    seen.add(image.record.digest)
  }
  return { imageDetails: await imageDetails(ctx, repo, images) }
}

const describeImages: EcrOperation = {
  name: 'DescribeImages',
  input: {
    type: 'structure',
    required: ['repositoryName'],
    members: {
      registryId: REGISTRY_ID,
      repositoryName: REPOSITORY_NAME,
      imageIds: IMAGE_ID_LIST,
      nextToken: NEXT_TOKEN,
      maxResults: MAX_RESULTS,
      filter: { type: 'structure', members: { tagStatus: TAG_STATUS } },
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requirePull(ctx, 'DescribeImages', repo)
    await requireRepository(ctx, repo)
    const ids = input['imageIds'] as ImageId[] | undefined
    if (ids) {
      if (input['nextToken'] != null || input['maxResults'] != null || input['filter'] != null) {
        throw new EcrError('InvalidParameterException', 'nextToken, maxResults and filter cannot be used with imageIds')
      }
      return describeById(ctx, repo, ids)
    }
    const cursor = decodeCursor(repo, input['nextToken'], 'DescribeImages')
    const max = (input['maxResults'] as number | undefined) ?? DEFAULT_IMAGE_PAGE
    const page: RepositoryImage[] = []
    for await (const image of repositoryImages(ctx, repo, tagStatusOf(input), cursor?.digest)) {
      if (page.length === max) {
        return { imageDetails: await imageDetails(ctx, repo, page), nextToken: encodeCursor(repo, { digest: image.record.digest, skip: 0 }) }
      }
      page.push(image)
    }
    return { imageDetails: await imageDetails(ctx, repo, page) }
  },
}

/** ListImages' entries of one image: one per tag, or the digest alone. */
function idsOf(image: RepositoryImage): ImageId[] {
  const imageDigest = image.record.digest
  return image.tags.length === 0 ? [{ imageDigest }] : image.tags.map((imageTag) => ({ imageDigest, imageTag }))
}

const listImages: EcrOperation = {
  name: 'ListImages',
  input: {
    type: 'structure',
    required: ['repositoryName'],
    members: {
      registryId: REGISTRY_ID,
      repositoryName: REPOSITORY_NAME,
      nextToken: NEXT_TOKEN,
      maxResults: MAX_RESULTS,
      filter: { type: 'structure', members: { tagStatus: TAG_STATUS } },
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requirePull(ctx, 'ListImages', repo)
    await requireRepository(ctx, repo)
    const cursor = decodeCursor(repo, input['nextToken'], 'ListImages')
    const max = (input['maxResults'] as number | undefined) ?? DEFAULT_IMAGE_PAGE
    const out: ImageId[] = []
    for await (const image of repositoryImages(ctx, repo, tagStatusOf(input), cursor?.digest)) {
      const ids = idsOf(image)
      let i = image.record.digest === cursor?.digest ? cursor.skip : 0
      for (; i < ids.length; i++) {
        if (out.length === max) return { imageIds: out, nextToken: encodeCursor(repo, { digest: image.record.digest, skip: i }) }
        out.push(ids[i] as ImageId)
      }
    }
    return { imageIds: out }
  },
}

export const IMAGE_LISTING_OPERATIONS: readonly EcrOperation[] = [describeImages, listImages]
