/**
 * The referrers API (spec "Listing referrers"): an image index whose `manifests` are descriptors
 * of the manifests in the repository whose `subject` is the given digest.
 */
import type { Digest } from '../../oci/digest.ts'
import type { Descriptor } from '../../oci/descriptor.ts'
import { MediaType } from '../../oci/media-types.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { MetadataStore } from '../metadata/store.ts'

export interface ReferrersIndex {
  readonly schemaVersion: 2
  readonly mediaType: typeof MediaType.ociIndex
  readonly manifests: readonly Descriptor[]
}

export class ReferrersService {
  readonly #store: MetadataStore

  constructor(store: MetadataStore) {
    this.#store = store
  }

  /** Never fails for an unknown subject or repository: the answer is then an empty index. */
  async list(repo: RepositoryName, subject: Digest, artifactType?: string): Promise<ReferrersIndex> {
    const records = await this.#store.referrers.list(repo, subject, artifactType)
    const manifests = records.map((r): Descriptor => ({
      mediaType: r.mediaType,
      digest: r.digest,
      size: r.size,
      ...(r.artifactType === undefined ? {} : { artifactType: r.artifactType }),
      ...(r.annotations === undefined ? {} : { annotations: r.annotations }),
    }))
    return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }
  }
}
