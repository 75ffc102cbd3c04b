/**
 * BatchCheckLayerAvailability and GetDownloadUrlForLayer. A layer is available in a repository
 * exactly when /v2 HEAD of the blob answers 200: both ask BlobService.stat, the one rule. A
 * download URL is pre-signed (download/download-url.ts) and served on Drydock's own port.
 *
 * Not like ECR: LayerInaccessibleException (a layer no image references) is never raised, since
 * a blob linked to a repository is served by /v2 whether or not a manifest references it yet.
 */
import { isDigest, parseDigest } from '../../../oci/digest.ts'
import { RegistryError } from '../../../oci/errors.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import { DOWNLOAD_PATH } from '../download/download-url.ts'
import { requirePull } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import type { Shape } from '../shape.ts'
import { checkRegistryId, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'

export const LAYER_DIGEST: Shape = { type: 'string', pattern: '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+' }

/** The blob's size when /v2 HEAD would find it in `repo`; undefined when it would answer BLOB_UNKNOWN. */
async function sizeOf(ctx: EcrContext, repo: string, digest: string): Promise<number | undefined> {
  try {
    return (await ctx.services.registry.blobs.stat(repo as RepositoryName, parseDigest(digest))).size
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'BLOB_UNKNOWN') return undefined
    throw err
  }
}

const batchCheckLayerAvailability: EcrOperation = {
  name: 'BatchCheckLayerAvailability',
  input: {
    type: 'structure',
    required: ['repositoryName', 'layerDigests'],
    members: {
      registryId: REGISTRY_ID,
      repositoryName: REPOSITORY_NAME,
      layerDigests: { type: 'list', member: { type: 'string', min: 0, max: 1000 }, min: 1, max: 100 },
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as string
    await requirePull(ctx, 'BatchCheckLayerAvailability', repo)
    const layers: Record<string, unknown>[] = []
    const failures: Record<string, unknown>[] = []
    for (const digest of input['layerDigests'] as string[]) {
      if (digest === '') {
        failures.push({ layerDigest: digest, failureCode: 'MissingLayerDigest', failureReason: 'The layer digest is empty.' })
      } else if (!isDigest(digest)) {
        failures.push({ layerDigest: digest, failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest format.' })
      } else {
        const size = await sizeOf(ctx, repo, digest)
        layers.push(size === undefined ? { layerDigest: digest, layerAvailability: 'UNAVAILABLE' } : { layerDigest: digest, layerAvailability: 'AVAILABLE', layerSize: size })
      }
    }
    return { layers, failures }
  },
}

const getDownloadUrlForLayer: EcrOperation = {
  name: 'GetDownloadUrlForLayer',
  input: {
    type: 'structure',
    required: ['repositoryName', 'layerDigest'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, layerDigest: LAYER_DIGEST },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as string
    await requirePull(ctx, 'GetDownloadUrlForLayer', repo)
    const digest = input['layerDigest'] as string
    if (!isDigest(digest)) throw new EcrError('InvalidParameterException', `Invalid parameter at 'layerDigest' failed to satisfy constraint: 'a sha256 or sha512 digest'`)
    if ((await sizeOf(ctx, repo, digest)) === undefined) {
      throw new EcrError('LayersNotFoundException', `The layer with digest '${digest}' does not exist in the repository with name '${repo}' in the registry with id '${ctx.registry.accountId}'`)
    }
    const { token } = await ctx.services.downloadUrls.sign(repo, digest, principalName(ctx.principal))
    return { downloadUrl: `${ctx.registry.publicUrl}${DOWNLOAD_PATH}${token}`, layerDigest: digest }
  },
}

export const LAYER_PULL_OPERATIONS: readonly EcrOperation[] = [batchCheckLayerAvailability, getDownloadUrlForLayer]
