/**
 * BatchGetImage: the manifests of up to 100 images, as a /v2 manifest GET hands them out. Each
 * one found passes the deploy gate (policy/) exactly as a GET does, counts as a pull for its last
 * pull time and is audited as `repo.pull`. A policy that refuses one of them (`deny`) refuses the
 * whole call with AccessDeniedException and the policy's one-line message, and nothing is handed
 * out; `audit-deny` lets it through (the gate audits it). Per-image problems are `failures` with
 * ECR's codes. `acceptedMediaTypes` works like a GET's Accept: Drydock serves the stored bytes and
 * converts nothing, so an image stored in a type not accepted is ImageNotFound.
 */
import type { RepositoryName } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import { acceptsMediaType } from '../../http/oci/manifests.ts'
import type { ManifestRecord } from '../../metadata/store.ts'
import { requirePull } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import { checkRegistryId, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'
import { IMAGE_ID_LIST, ImageIdFailure, parseImageId, requireRepository, resolveImageId, uniqueIds, type ImageFailure, type ImageId } from './image-ids.ts'

interface Found {
  readonly id: ImageId
  readonly record: ManifestRecord
}

/** Throws AccessDeniedException when the deploy gate refuses any of them to the caller. */
async function passGate(ctx: EcrContext, repo: RepositoryName, found: readonly Found[]): Promise<void> {
  for (const digest of new Set(found.map((f) => f.record.digest))) {
    const d = await ctx.services.gate.decide(repo, digest, ctx.principal, 'pull')
    if (d.decision === 'deny') throw new EcrError('AccessDeniedException', d.message ?? 'refused by a deploy policy')
  }
}

const batchGetImage: EcrOperation = {
  name: 'BatchGetImage',
  input: {
    type: 'structure',
    required: ['repositoryName', 'imageIds'],
    members: {
      registryId: REGISTRY_ID,
      repositoryName: REPOSITORY_NAME,
      imageIds: IMAGE_ID_LIST,
      acceptedMediaTypes: { type: 'list', member: { type: 'string' }, min: 1, max: 100 },
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requirePull(ctx, 'BatchGetImage', repo)
    await requireRepository(ctx, repo)
    const accepted = input['acceptedMediaTypes'] as string[] | undefined
    const found: Found[] = []
    const failures: ImageFailure[] = []
    for (const id of uniqueIds(input['imageIds'] as ImageId[])) {
      try {
        const record = await resolveImageId(ctx, repo, parseImageId(id))
        if (accepted && !acceptsMediaType(accepted.join(','), record.mediaType)) {
          throw new ImageIdFailure('ImageNotFound', `Requested image not found in the accepted media types; it is stored as ${record.mediaType}`)
        }
        found.push({ id, record })
      } catch (err) {
        if (!(err instanceof ImageIdFailure)) throw err
        failures.push(err.toFailure(id))
      }
    }
    await passGate(ctx, repo, found)
    const images = []
    for (const { id, record } of found) {
      const manifest = await ctx.services.registry.manifests.content(record)
      ctx.services.registry.manifests.recordPull(record)
      images.push({
        registryId: ctx.registry.accountId,
        repositoryName: repo,
        imageId: { imageDigest: record.digest, ...(id.imageTag === undefined ? {} : { imageTag: id.imageTag }) },
        imageManifest: manifest.toString('utf8'),
        imageManifestMediaType: record.mediaType,
      })
      await ctx.services.auth.audit({
        actor: principalName(ctx.principal), action: 'repo.pull', repository: repo, address: ctx.address,
        detail: { reference: id.imageTag ?? record.digest, digest: record.digest, via: 'ecr' },
      })
    }
    return { images, failures }
  },
}

export const IMAGE_GET_OPERATIONS: readonly EcrOperation[] = [batchGetImage]
