/**
 * ECR's ImageIdentifier (`{imageDigest?, imageTag?}`) → the stored manifest, for the operations
 * that name one image (scans). Either member may be given; both must then name the same image.
 * An unknown image is ImageNotFoundException worded as ECR words it; an unknown repository
 * RepositoryNotFoundException (the manifest service's NAME_UNKNOWN, mapped by the door).
 */
import { isDigest } from '../../../oci/digest.ts'
import { RegistryError } from '../../../oci/errors.ts'
import { isTag, type ManifestReference, type RepositoryName } from '../../../oci/reference.ts'
import type { ManifestRecord } from '../../metadata/store.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext } from '../operation.ts'
import type { Shape } from '../shape.ts'

export const IMAGE_IDENTIFIER: Shape = {
  type: 'structure',
  members: { imageDigest: { type: 'string' }, imageTag: { type: 'string', min: 1, max: 300 } },
}

export interface ImageIdentifier {
  readonly imageDigest?: string
  readonly imageTag?: string
}

export function imageNotFound(ctx: EcrContext, repo: string, id: ImageIdentifier): EcrError {
  return new EcrError('ImageNotFoundException',
    `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo}' in the registry with id '${ctx.registry.accountId}'`)
}

/** Checks the identifier's form (no lookup): InvalidParameterException for a malformed one. */
export function checkImageIdentifier(id: ImageIdentifier): void {
  if (id.imageDigest === undefined && id.imageTag === undefined) {
    throw new EcrError('InvalidParameterException', "Invalid parameter at 'imageId' failed to satisfy constraint: 'imageDigest or imageTag must be given'")
  }
  if (id.imageDigest !== undefined && !isDigest(id.imageDigest)) {
    throw new EcrError('InvalidParameterException', `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'a digest such as sha256:<64 hex>'`)
  }
  if (id.imageTag !== undefined && !isTag(id.imageTag)) {
    throw new EcrError('InvalidParameterException', `Invalid parameter at 'imageTag' failed to satisfy constraint: 'a tag of [A-Za-z0-9_][A-Za-z0-9._-]{0,127}'`)
  }
}

/** The manifest `id` names in `repo`. */
export async function resolveImage(ctx: EcrContext, repo: RepositoryName, id: ImageIdentifier): Promise<ManifestRecord> {
  checkImageIdentifier(id)
  const { imageDigest: digest, imageTag: tag } = id
  const ref: ManifestReference | undefined = digest !== undefined && isDigest(digest) ? { kind: 'digest', digest }
    : tag !== undefined && isTag(tag) ? { kind: 'tag', tag } : undefined
  if (ref === undefined) throw imageNotFound(ctx, repo, id)
  let record: ManifestRecord
  try {
    record = await ctx.services.registry.manifests.resolve(repo, ref)
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'MANIFEST_UNKNOWN') throw imageNotFound(ctx, repo, id)
    throw err
  }
  if (ref.kind === 'digest' && tag !== undefined && isTag(tag) && (await ctx.services.store.tags.resolve(repo, tag)) !== record.digest) {
    throw imageNotFound(ctx, repo, id)
  }
  return record
}
