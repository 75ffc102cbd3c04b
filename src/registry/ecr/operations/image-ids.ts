/**
 * What the image operations share about ECR's ImageIdentifier (`{imageDigest?, imageTag?}`, its
 * shape in image-identifier.ts): the list shape, the per-image failures of the Batch* operations
 * (ImageFailure, with ECR's failure codes, where the single-image operations of image-identifier.ts
 * throw) and resolving an identifier to a stored manifest through the ManifestService /v2 uses.
 */
import { isDigest, type Digest } from '../../../oci/digest.ts'
import { isRegistryError } from '../../../oci/errors.ts'
import { isTag, type RepositoryName, type Tag } from '../../../oci/reference.ts'
import type { ManifestRecord } from '../../metadata/store.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext } from '../operation.ts'
import type { Shape } from '../shape.ts'
import { IMAGE_IDENTIFIER, type ImageIdentifier } from './image-identifier.ts'

export const IMAGE_DIGEST: Shape = { type: 'string' }
export const IMAGE_TAG: Shape = { type: 'string', min: 1, max: 300 }
export const IMAGE_ID_LIST: Shape = { type: 'list', member: IMAGE_IDENTIFIER, min: 1, max: 100 }
export const TAG_STATUS: Shape = { type: 'string', enum: ['TAGGED', 'UNTAGGED', 'ANY'] }

export type ImageId = ImageIdentifier

export type FailureCode = 'InvalidImageDigest' | 'InvalidImageTag' | 'ImageTagDoesNotMatchDigest' | 'ImageNotFound' | 'MissingDigestAndTag'

export interface ImageFailure {
  readonly imageId: ImageId
  readonly failureCode: FailureCode
  readonly failureReason: string
}

/** A per-image refusal, reported in `failures` rather than failing the whole batch. */
export class ImageIdFailure extends Error {
  readonly code: FailureCode
  constructor(code: FailureCode, reason: string) {
    super(reason)
    this.code = code
  }
  toFailure(id: ImageId): ImageFailure {
    return { imageId: id, failureCode: this.code, failureReason: this.message }
  }
}

/** A validated identifier: the digest and/or tag it names. */
export interface ParsedImageId {
  readonly digest?: Digest
  readonly tag?: Tag
}

/** Checks an identifier's form (ECR's MissingDigestAndTag, InvalidImageDigest, InvalidImageTag). */
export function parseImageId(id: ImageId): ParsedImageId {
  const { imageDigest, imageTag } = id
  if (imageDigest === undefined && imageTag === undefined) throw new ImageIdFailure('MissingDigestAndTag', 'Missing image digest and tag')
  if (imageDigest !== undefined && !isDigest(imageDigest)) throw new ImageIdFailure('InvalidImageDigest', 'Invalid request parameters: image digest should satisfy the regex \'[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+\'')
  if (imageTag !== undefined && !isTag(imageTag)) throw new ImageIdFailure('InvalidImageTag', 'Invalid request parameters: image tag should satisfy the regex \'[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\'')
  return { ...(imageDigest === undefined ? {} : { digest: imageDigest as Digest }), ...(imageTag === undefined ? {} : { tag: imageTag as Tag }) }
}

/**
 * The manifest an identifier names: by tag when it has one (and then the digest, if given, must be
 * the tag's), else by digest. Throws ImageIdFailure ImageNotFound / ImageTagDoesNotMatchDigest.
 */
export async function resolveImageId(ctx: EcrContext, repo: RepositoryName, id: ParsedImageId): Promise<ManifestRecord> {
  const ref = id.tag !== undefined ? { kind: 'tag' as const, tag: id.tag } : { kind: 'digest' as const, digest: id.digest as Digest }
  let record: ManifestRecord
  try {
    record = await ctx.services.registry.manifests.resolve(repo, ref)
  } catch (err) {
    if (isRegistryError(err, 'MANIFEST_UNKNOWN')) throw new ImageIdFailure('ImageNotFound', 'Requested image not found')
    throw err
  }
  if (id.digest !== undefined && record.digest !== id.digest) {
    throw new ImageIdFailure('ImageTagDoesNotMatchDigest', `Invalid request parameters: given tag ${id.tag} does not match the digest ${id.digest}`)
  }
  return record
}

/** Identifiers once each, in request order (AWS answers a repeated one once). */
export function uniqueIds(ids: readonly ImageId[]): ImageId[] {
  const seen = new Set<string>()
  return ids.filter((id) => {
    const key = `${id.imageDigest ?? ''}\u0000${id.imageTag ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** RepositoryNotFoundException unless `repo` exists (checked after the permission, never before). */
export async function requireRepository(ctx: EcrContext, repo: RepositoryName): Promise<void> {
  if (!(await ctx.services.store.repositories.exists(repo))) {
    throw new EcrError('RepositoryNotFoundException', `The repository with name '${repo}' does not exist in the registry with id '${ctx.registry.accountId}'`)
  }
}
