/**
 * PutImage: stores a manifest whose blobs are already in the repository (ECR's retag pattern:
 * BatchGetImage's imageManifest put back under a new imageTag). It goes through
 * ManifestService.put like a /v2 manifest PUT, so validation, the size and JSON limits, tag
 * immutability, scan on push, referrers and the deploy gate's notification all apply as there.
 * Refused as ECR refuses: the same tag already on the same manifest (or, without a tag, the same
 * manifest again) is ImageAlreadyExistsException; the domain's errors are named in image-errors.ts.
 *
 * The manifest travels inside the JSON body, so the body limit is twice ECR's 4 MiB manifest
 * limit plus room for the other members (JSON escaping grows the text); the manifest itself
 * must also fit Drydock's own `limits.maxManifestBytes`, as on /v2.
 */
import { digestAlgorithm, digestOf, isDigest, type Digest } from '../../../oci/digest.ts'
import { parseManifest } from '../../../oci/manifest.ts'
import { isTag, type RepositoryName, type Tag } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import { requirePush } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import { checkRegistryId, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'
import { fromManifestPutError } from './image-errors.ts'
import { IMAGE_DIGEST, IMAGE_TAG, requireRepository } from './image-ids.ts'

const MODEL_MANIFEST_LIMIT = 4_194_304

function isIndex(bytes: Uint8Array, mediaType: string | undefined): boolean {
  try {
    return parseManifest(bytes, mediaType).kind === 'index'
  } catch {
    return false
  }
}

/** ImageAlreadyExistsException when the put would change nothing (ECR: "no changes to the manifest or image tag"). */
async function refuseUnchanged(ctx: EcrContext, repo: RepositoryName, digest: Digest, tag: Tag | undefined): Promise<void> {
  const { store } = ctx.services
  const unchanged = tag !== undefined ? (await store.tags.resolve(repo, tag)) === digest : (await store.manifests.get(repo, digest)) !== undefined
  if (!unchanged) return
  throw new EcrError('ImageAlreadyExistsException',
    `Image with digest '${digest}'${tag === undefined ? '' : ` and tag '${tag}'`} already exists in the repository with name '${repo}' in registry with id '${ctx.registry.accountId}'`)
}

function parseInputs(input: Record<string, unknown>): { tag?: Tag; expected?: Digest; mediaType?: string } {
  const tag = input['imageTag'] as string | undefined
  const expected = input['imageDigest'] as string | undefined
  if (tag !== undefined && !isTag(tag)) {
    throw new EcrError('InvalidParameterException', `Invalid parameter at 'imageTag' failed to satisfy constraint: '[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}'`)
  }
  if (expected !== undefined && !isDigest(expected)) {
    throw new EcrError('InvalidParameterException', `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'a sha256 or sha512 digest'`)
  }
  const mediaType = input['imageManifestMediaType'] as string | undefined
  return { ...(tag === undefined ? {} : { tag }), ...(expected === undefined ? {} : { expected }), ...(mediaType === undefined ? {} : { mediaType }) }
}

const putImage: EcrOperation = {
  name: 'PutImage',
  maxBodyBytes: 2 * MODEL_MANIFEST_LIMIT + 64 * 1024,
  input: {
    type: 'structure',
    required: ['repositoryName', 'imageManifest'],
    members: {
      registryId: REGISTRY_ID,
      repositoryName: REPOSITORY_NAME,
      imageManifest: { type: 'string', min: 1, max: MODEL_MANIFEST_LIMIT },
      imageManifestMediaType: { type: 'string' },
      imageTag: IMAGE_TAG,
      imageDigest: IMAGE_DIGEST,
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requirePush(ctx, 'PutImage', repo)
    await requireRepository(ctx, repo)
    const { tag, expected, mediaType } = parseInputs(input)
    const bytes = Buffer.from(input['imageManifest'] as string, 'utf8')
    if (bytes.byteLength > ctx.services.maxManifestBytes) {
      throw new EcrError('InvalidParameterException', `Invalid parameter at 'imageManifest': the manifest is ${bytes.byteLength} bytes, more than this registry's ${ctx.services.maxManifestBytes}-byte limit`)
    }
    // A tagged put is stored under sha256 (as a /v2 PUT by tag); by digest, under the digest's algorithm.
    const digest = digestOf(bytes, tag === undefined && expected !== undefined ? digestAlgorithm(expected) : 'sha256')
    if (expected !== undefined && expected !== digest) {
      throw new EcrError('ImageDigestDoesNotMatchException', `The imageDigest '${expected}' does not match the digest of the image manifest '${digest}'`)
    }
    await refuseUnchanged(ctx, repo, digest, tag)
    let subject: string | undefined
    try {
      const ref = tag !== undefined ? { kind: 'tag' as const, tag } : { kind: 'digest' as const, digest }
      subject = (await ctx.services.registry.manifests.put(repo, ref, bytes, mediaType)).subject
    } catch (err) {
      throw fromManifestPutError(err, { repo, registryId: ctx.registry.accountId, isIndex: isIndex(bytes, mediaType) })
    }
    ctx.services.gateEvents?.manifestPut(repo, tag, subject)
    await ctx.services.auth.audit({
      actor: principalName(ctx.principal), action: 'repo.push', repository: repo, address: ctx.address,
      detail: { reference: tag ?? digest, digest, via: 'ecr' },
    })
    const stored = await ctx.services.registry.manifests.resolve(repo, { kind: 'digest', digest })
    return {
      image: {
        registryId: ctx.registry.accountId,
        repositoryName: repo,
        imageId: { imageDigest: digest, ...(tag === undefined ? {} : { imageTag: tag }) },
        imageManifest: input['imageManifest'],
        imageManifestMediaType: stored.mediaType,
      },
    }
  },
}

export const IMAGE_PUT_OPERATIONS: readonly EcrOperation[] = [putImage]
