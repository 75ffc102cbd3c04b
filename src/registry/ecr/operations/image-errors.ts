/**
 * THE place where the image operations turn Drydock's domain errors (RegistryError codes of the
 * manifest service) into ECR's exception names; anything not listed here goes on to the door's
 * general mapping (http/ecr/ecr-errors.ts).
 */
import { isRegistryError } from '../../../oci/errors.ts'
import { EcrError } from '../ecr-error.ts'

export interface PutContext {
  readonly repo: string
  readonly registryId: string
  /** The manifest is an index: a missing referenced manifest is an image, not a layer. */
  readonly isIndex: boolean
}

export function fromManifestPutError(err: unknown, c: PutContext): unknown {
  if (!isRegistryError(err)) return err
  const digest = (err.detail as { digest?: string } | undefined)?.digest
  switch (err.code) {
    case 'MANIFEST_BLOB_UNKNOWN':
    case 'BLOB_UNKNOWN':
      return c.isIndex
        ? new EcrError('ReferencedImagesNotFoundException', `Some of the images referenced by the manifest list are not in the repository with name '${c.repo}': ${digest ?? 'unknown'}`)
        : new EcrError('LayersNotFoundException', `Layers with digests '[${digest ?? 'unknown'}]' required for pushing image into repository with name '${c.repo}' in the registry with id '${c.registryId}' do not exist`)
    case 'DIGEST_INVALID':
      return new EcrError('ImageDigestDoesNotMatchException', `The imageDigest does not match the digest of the manifest: ${err.message}`)
    case 'TAG_INVALID':
      // The only TAG_INVALID of a put: an immutable tag already on another manifest (distribution/errors.ts).
      return new EcrError('ImageTagAlreadyExistsException', err.message)
    case 'MANIFEST_INVALID':
    case 'SIZE_INVALID':
    case 'UNSUPPORTED':
      return new EcrError('InvalidParameterException', `Invalid parameter at 'imageManifest': ${err.message}`)
    default:
      return err
  }
}
