/**
 * BatchDeleteImage, as ECR documents it: an id with a tag removes that tag, and the image with it
 * when it was the image's last tag (ManifestService.untagImage, one transaction); an id with only
 * a digest deletes the image and all its tags, as DELETE /v2/<name>/manifests/<digest>. The answer
 * lists the ids removed (one per tag the image had) and `failures` with ECR's codes. Each removal
 * is audited as `repo.delete`, as /v2 deletes are, and the deploy gate hears of it. Needs delete.
 */
import type { Digest } from '../../../oci/digest.ts'
import { isRegistryError } from '../../../oci/errors.ts'
import type { RepositoryName, Tag } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import { requireDelete } from '../ecr-access.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import { checkRegistryId, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'
import { IMAGE_ID_LIST, ImageIdFailure, parseImageId, requireRepository, resolveImageId, uniqueIds, type ImageFailure, type ImageId, type ParsedImageId } from './image-ids.ts'
import { MAX_TAGS_PER_IMAGE } from './image-pages.ts'

const notFound = (): ImageIdFailure => new ImageIdFailure('ImageNotFound', 'Requested image not found')

async function deleteByTag(ctx: EcrContext, repo: RepositoryName, tag: Tag, digest: Digest | undefined): Promise<ImageId[]> {
  // With a digest too, the tag must be on that image (ImageTagDoesNotMatchDigest otherwise).
  if (digest !== undefined) await resolveImageId(ctx, repo, { tag, digest })
  const removed = await ctx.services.registry.manifests.untagImage(repo, tag)
  if (!removed) throw notFound()
  return [{ imageDigest: removed.digest, imageTag: tag }]
}

async function deleteByDigest(ctx: EcrContext, repo: RepositoryName, digest: Digest): Promise<ImageId[]> {
  const tags = await ctx.services.store.tags.ofDigest(repo, digest, MAX_TAGS_PER_IMAGE)
  try {
    await ctx.services.registry.manifests.delete(repo, { kind: 'digest', digest })
  } catch (err) {
    if (isRegistryError(err, 'MANIFEST_UNKNOWN')) throw notFound()
    throw err
  }
  return tags.length === 0 ? [{ imageDigest: digest }] : tags.map((imageTag) => ({ imageDigest: digest, imageTag }))
}

function deleteOne(ctx: EcrContext, repo: RepositoryName, id: ParsedImageId): Promise<ImageId[]> {
  return id.tag !== undefined ? deleteByTag(ctx, repo, id.tag, id.digest) : deleteByDigest(ctx, repo, id.digest as Digest)
}

const batchDeleteImage: EcrOperation = {
  name: 'BatchDeleteImage',
  input: {
    type: 'structure',
    required: ['repositoryName', 'imageIds'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, imageIds: IMAGE_ID_LIST },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requireDelete(ctx, 'BatchDeleteImage', repo)
    await requireRepository(ctx, repo)
    const imageIds: ImageId[] = []
    const failures: ImageFailure[] = []
    for (const id of uniqueIds(input['imageIds'] as ImageId[])) {
      let removed: ImageId[]
      try {
        removed = await deleteOne(ctx, repo, parseImageId(id))
      } catch (err) {
        if (!(err instanceof ImageIdFailure)) throw err
        failures.push(err.toFailure(id))
        continue
      }
      imageIds.push(...removed)
      ctx.services.gateEvents?.manifestDeleted(repo)
      await ctx.services.auth.audit({
        actor: principalName(ctx.principal), action: 'repo.delete', repository: repo, address: ctx.address,
        detail: { reference: id.imageTag ?? id.imageDigest, digest: removed[0]?.imageDigest, via: 'ecr' },
      })
    }
    return { imageIds, failures }
  },
}

export const IMAGE_DELETE_OPERATIONS: readonly EcrOperation[] = [batchDeleteImage]
