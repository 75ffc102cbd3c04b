/**
 * InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload: ECR's layer push is /v2's chunked
 * upload with the bytes inside JSON. The uploadId is a Drydock upload session (UploadService,
 * owned by the caller as on /v2, so /v2 and ECR calls of one principal can even mix); a part is
 * appended as a PATCH with a Content-Range would be (its first byte must be the session's offset,
 * and its length what its byte range says); completing is PUT ?digest=: the digest is checked and
 * a mismatch discards the session. Uploads feed scan-on-push analyses as /v2 ones do
 * (scanning/tee-upload-service.ts), since they go through the same service.
 *
 * A part is at most 20 MiB (the model's LayerPartBlob limit, ECR's documented part size), decoded
 * from base64 in one piece: the one place Drydock holds upload bytes in memory, bounded by the
 * door's body limit for this operation. InitiateLayerUpload advertises 10 MiB parts.
 *
 * Not like ECR: parts are not required to be at least 5 MiB (LayerPartTooSmallException is an
 * S3 multipart rule; Drydock appends to one file, so any part size works).
 */
import { parseDigest, type Digest } from '../../../oci/digest.ts'
import { RegistryError } from '../../../oci/errors.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import type { UploadSession } from '../../distribution/upload-service.ts'
import { requirePush } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import type { Shape } from '../shape.ts'
import { checkRegistryId, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'
import { LAYER_DIGEST } from './layers-pull.ts'

/** The model's LayerPartBlob max: the largest part accepted, decoded. */
export const MAX_PART_BYTES = 20 * 1024 * 1024
/** What InitiateLayerUpload asks clients to send per part. */
export const PART_SIZE = 10 * 1024 * 1024
/** The JSON around a part: base64 is 4/3 of the bytes; the other members are small. */
const MAX_PART_BODY_BYTES = Math.ceil(MAX_PART_BYTES / 3) * 4 + 64 * 1024

const UPLOAD_ID: Shape = { type: 'string', pattern: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}' }
const PART_BYTE: Shape = { type: 'long', min: 0 }

interface UploadRef {
  readonly repo: RepositoryName
  readonly uploadId: string
  readonly who: string
}

function uploadRef(ctx: EcrContext, input: Record<string, unknown>): UploadRef {
  return { repo: input['repositoryName'] as RepositoryName, uploadId: input['uploadId'] as string, who: principalName(ctx.principal) }
}

function uploadNotFound(ctx: EcrContext, u: UploadRef): EcrError {
  return new EcrError('UploadNotFoundException', `Upload with id '${u.uploadId}' is not found in the repository with name '${u.repo}' in the registry with id '${ctx.registry.accountId}'`)
}

/** The upload service's refusals, named as ECR names them. */
function translate(ctx: EcrContext, u: UploadRef, err: unknown): unknown {
  if (!(err instanceof RegistryError)) return err
  if (err.code === 'BLOB_UPLOAD_UNKNOWN') return uploadNotFound(ctx, u)
  if (err.code === 'SIZE_INVALID' && err.status === 413) return new EcrError('LimitExceededException', err.message)
  if (err.code === 'BLOB_UPLOAD_INVALID') {
    const offset = (err.detail as { offset?: unknown } | undefined)?.offset
    return invalidPart(ctx, u, err.message, typeof offset === 'number' ? offset : undefined)
  }
  return err
}

/** lastValidByteReceived is left out while nothing was received (the model's minimum is 0). */
function invalidPart(ctx: EcrContext, u: UploadRef, message: string, offset: number | undefined): EcrError {
  return new EcrError('InvalidLayerPartException', message, 400, {
    registryId: ctx.registry.accountId, repositoryName: u.repo, uploadId: u.uploadId,
    ...(offset !== undefined && offset > 0 ? { lastValidByteReceived: offset - 1 } : {}),
  })
}

async function status(ctx: EcrContext, u: UploadRef): Promise<UploadSession> {
  try {
    return await ctx.services.registry.uploads.status(u.repo, u.uploadId, u.who)
  } catch (err) {
    throw translate(ctx, u, err)
  }
}

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes
}

const initiateLayerUpload: EcrOperation = {
  name: 'InitiateLayerUpload',
  input: { type: 'structure', required: ['repositoryName'], members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME } },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requirePush(ctx, 'InitiateLayerUpload', repo)
    const session = await ctx.services.registry.uploads.start(repo, principalName(ctx.principal))
    return { uploadId: session.id, partSize: PART_SIZE }
  },
}

const uploadLayerPart: EcrOperation = {
  name: 'UploadLayerPart',
  maxBodyBytes: MAX_PART_BODY_BYTES,
  input: {
    type: 'structure',
    required: ['repositoryName', 'uploadId', 'partFirstByte', 'partLastByte', 'layerPartBlob'],
    members: {
      registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, uploadId: UPLOAD_ID,
      partFirstByte: PART_BYTE, partLastByte: PART_BYTE,
      layerPartBlob: { type: 'blob', min: 0, max: MAX_PART_BYTES },
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const u = uploadRef(ctx, input)
    await requirePush(ctx, 'UploadLayerPart', u.repo)
    const first = input['partFirstByte'] as number
    const last = input['partLastByte'] as number
    const part = Buffer.from(input['layerPartBlob'] as string, 'base64')
    if (last - first + 1 !== part.byteLength) {
      const { offset } = await status(ctx, u)
      throw invalidPart(ctx, u, `The part's byte range ${first}-${last} does not match its ${part.byteLength} bytes`, offset)
    }
    let session: UploadSession
    try {
      session = await ctx.services.registry.uploads.append(u.repo, u.uploadId, once(part), first, { requester: u.who, length: part.byteLength })
    } catch (err) {
      throw translate(ctx, u, err)
    }
    return { registryId: ctx.registry.accountId, repositoryName: u.repo, uploadId: u.uploadId, lastByteReceived: session.offset - 1 }
  },
}

const completeLayerUpload: EcrOperation = {
  name: 'CompleteLayerUpload',
  input: {
    type: 'structure',
    required: ['repositoryName', 'uploadId', 'layerDigests'],
    members: {
      registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, uploadId: UPLOAD_ID,
      layerDigests: { type: 'list', member: LAYER_DIGEST, min: 1, max: 100 },
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const u = uploadRef(ctx, input)
    await requirePush(ctx, 'CompleteLayerUpload', u.repo)
    const digest = layerDigest(input['layerDigests'] as string[])
    const { offset } = await status(ctx, u)
    if (offset === 0) throw new EcrError('EmptyUploadException', `The upload with id '${u.uploadId}' does not contain any layer parts`)
    if (await linked(ctx, u.repo, digest)) {
      // Nothing to store: the session's bytes are dropped, as ECR drops them.
      await ctx.services.registry.uploads.cancel(u.repo, u.uploadId, u.who).catch(() => undefined)
      throw new EcrError('LayerAlreadyExistsException', `The layer '${digest}' already exists in the repository with name '${u.repo}' in the registry with id '${ctx.registry.accountId}'`)
    }
    try {
      await ctx.services.registry.uploads.commit(u.repo, u.uploadId, digest, undefined, { requester: u.who })
    } catch (err) {
      // The upload service has discarded the session: nothing of it is stored.
      if (err instanceof RegistryError && err.code === 'DIGEST_INVALID') {
        throw new EcrError('InvalidLayerException', `The layer digest calculation performed by the registry does not match the digest specified: expected ${digest}`)
      }
      throw translate(ctx, u, err)
    }
    return { registryId: ctx.registry.accountId, repositoryName: u.repo, uploadId: u.uploadId, layerDigest: digest }
  },
}

/** The one digest the layer must have (the list repeats it, when it has more than one member). */
function layerDigest(digests: readonly string[]): Digest {
  const unique = [...new Set(digests)]
  if (unique.length !== 1) throw new EcrError('InvalidParameterException', 'layerDigests must name the one digest of the uploaded layer')
  try {
    return parseDigest(unique[0] as string)
  } catch {
    throw new EcrError('InvalidParameterException', `Invalid parameter at 'layerDigests' failed to satisfy constraint: 'a sha256 or sha512 digest'`)
  }
}

async function linked(ctx: EcrContext, repo: RepositoryName, digest: Digest): Promise<boolean> {
  try {
    await ctx.services.registry.blobs.stat(repo, digest)
    return true
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'BLOB_UNKNOWN') return false
    throw err
  }
}

export const LAYER_UPLOAD_OPERATIONS: readonly EcrOperation[] = [initiateLayerUpload, uploadLayerPart, completeLayerUpload]
