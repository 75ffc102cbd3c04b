/**
 * The registry's side of the scanner's RegistryContentProvider contract (scanner/image/source.ts):
 * manifests and blobs read through the same services the /v2 routes use, so a scan sees exactly
 * what a client pulling the image would, and only blobs linked to the repository.
 */
import type { Readable } from 'node:stream'
import type { Digest } from '../../oci/digest.ts'
import { parseManifestReference, parseRepositoryName } from '../../oci/reference.ts'
import type { RegistryContentProvider } from '../../scanner/image/source.ts'
import type { BlobService } from '../distribution/blob-service.ts'
import type { ManifestService } from '../distribution/manifest-service.ts'

/** "Not there" is undefined (the contract); anything else (I/O failure) propagates. */
function isUnknown(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN' || code === 'BLOB_UNKNOWN' || code === 'NAME_INVALID'
}

export function registryContent(services: { readonly manifests: ManifestService; readonly blobs: BlobService }): RegistryContentProvider {
  return {
    async getManifest(repository, reference) {
      try {
        const record = await services.manifests.resolve(parseRepositoryName(repository), parseManifestReference(reference))
        return { bytes: await services.manifests.content(record), mediaType: record.mediaType }
      } catch (err) {
        if (isUnknown(err)) return undefined
        throw err
      }
    },
    async openBlob(repository, digest: Digest, opts): Promise<Readable | undefined> {
      try {
        return await services.blobs.open(parseRepositoryName(repository), digest, undefined, opts?.signal ? { signal: opts.signal } : {})
      } catch (err) {
        if (isUnknown(err)) return undefined
        throw err
      }
    },
    async hasBlob(repository, digest: Digest): Promise<boolean> {
      try {
        await services.blobs.stat(parseRepositoryName(repository), digest)
        return true
      } catch (err) {
        if (isUnknown(err)) return false
        throw err
      }
    },
  }
}
