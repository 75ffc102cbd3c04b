/**
 * Manifests (spec "Pulling manifests", "Pushing manifests", "Deleting manifests"). A manifest is
 * accepted only when it parses, its digest matches a digest reference, every blob it references
 * is linked in the repository and every child of an index is a manifest of the repository.
 * Manifests and image configs are read with strict JSON rules, so Go clients cannot read them
 * differently from what was validated (oci/strict-json.ts). The `subject` need not exist (spec).
 * Bytes are stored as a blob, so GET returns them unchanged.
 */
import { digestAlgorithm, digestOf, type Digest } from '../../oci/digest.ts'
import { RegistryError } from '../../oci/errors.ts'
import { parseManifest, referencedBlobs, referencedManifests, type ParsedManifest } from '../../oci/manifest.ts'
import { isImageConfigMediaType } from '../../oci/media-types.ts'
import type { ManifestReference, RepositoryName, Tag } from '../../oci/reference.ts'
import type { Clock } from '../ports.ts'
import type { ManifestRecord, MetadataStore } from '../metadata/store.ts'
import type { BlobService } from './blob-service.ts'
import { digestMismatch, manifestUnknown, nameUnknown, tagImmutable } from './errors.ts'
import { layerChainOf } from './layer-chain.ts'
import { checkImageConfig, DEFAULT_MANIFEST_LIMITS, jsonLimits, type ManifestLimits } from './image-config-check.ts'
import { MAX_EVENT_TAGS, type EventPublisher } from '../events/domain-event.ts'
import type { PullMetrics } from '../metrics/registry-metrics.ts'

export interface ManifestDeps {
  readonly store: MetadataStore
  readonly blobs: BlobService
  readonly clock: Clock
  /** JSON depth, JSON size and config size bounds (DEFAULT_MANIFEST_LIMITS when absent). */
  readonly limits?: ManifestLimits
  /**
   * Observer called after a manifest is stored, before the PUT is answered (scan on push queues
   * its job here, so the job is durable when the client sees 201). It must not throw.
   */
  readonly onPushed?: (repo: RepositoryName, digest: Digest) => Promise<void>
  /** Which tags may not move once set (repository settings, settings/tag-mutability.ts); all move when absent. */
  readonly tagPolicy?: TagPolicy
  /** Run in the storing transaction, before the manifest is stored (creation templates apply to new repositories). */
  readonly newRepository?: NewRepositoryHook
  /** Where pulls are noted (pull-recorder.ts); pulls are not recorded when absent. */
  readonly pulls?: PullLog
  /** Told image.pushed / image.deleted (events/domain-event.ts) once the change is stored; none when absent. */
  readonly events?: EventPublisher
  /** Counts pulls (docs/metrics.md), whether or not they are recorded. */
  readonly metrics?: Pick<PullMetrics, 'manifestPulled'>
}

/** Notes a pull in memory; must not wait or throw (it runs on every manifest GET). */
export interface PullLog {
  record(repo: RepositoryName, digest: Digest): void
}

export interface TagPolicy {
  isTagImmutable(repo: RepositoryName, tag: Tag): Promise<boolean>
}

export interface NewRepositoryHook {
  adoptTemplate(tx: MetadataStore, repo: RepositoryName): Promise<void>
}

export interface PutResult {
  readonly digest: Digest
  readonly subject?: Digest
}

function referenceText(ref: ManifestReference): string {
  return ref.kind === 'tag' ? ref.tag : ref.digest
}

/** The artifactType the referrers API reports (image spec: fall back to the config media type). */
export function effectiveArtifactType(m: ParsedManifest): string | undefined {
  return m.artifactType ?? (m.kind === 'manifest' ? m.config.mediaType : undefined)
}

export class ManifestService {
  readonly #d: ManifestDeps

  constructor(deps: ManifestDeps) {
    this.#d = deps
  }

  /** Resolves a tag or digest to the stored record; throws NAME_UNKNOWN or MANIFEST_UNKNOWN. */
  async resolve(repo: RepositoryName, ref: ManifestReference): Promise<ManifestRecord> {
    const digest = ref.kind === 'digest' ? ref.digest : await this.#d.store.tags.resolve(repo, ref.tag)
    const record = digest && (await this.#d.store.manifests.get(repo, digest))
    if (record) return record
    if (!(await this.#d.store.repositories.exists(repo))) throw nameUnknown(repo)
    throw manifestUnknown(referenceText(ref))
  }

  /**
   * A client pulled the manifest (a GET, not a HEAD: HEAD is how clients check whether a tag or
   * digest changed, GET is how they fetch it). Counts for that digest only: pulling a platform
   * manifest of an index by digest counts for it; the lifecycle reads an index's last pull as the
   * latest of the index and its children (lifecycle/repository-images.ts).
   */
  recordPull(record: ManifestRecord): void {
    this.#d.metrics?.manifestPulled()
    this.#d.pulls?.record(record.repo, record.digest)
  }

  /** The manifest's exact bytes. */
  async content(record: ManifestRecord): Promise<Buffer> {
    return this.#d.blobs.getSmall(record.digest)
  }

  /** Validates and stores a manifest; tags it when `ref` is a tag. `actor`: who pushed (for the event). */
  async put(repo: RepositoryName, ref: ManifestReference, bytes: Uint8Array, contentType?: string, actor?: string): Promise<PutResult> {
    const alg = ref.kind === 'digest' ? digestAlgorithm(ref.digest) : 'sha256'
    const digest = digestOf(bytes, alg)
    if (ref.kind === 'digest' && ref.digest !== digest) throw digestMismatch(ref.digest, digest)
    const limits = this.#d.limits ?? DEFAULT_MANIFEST_LIMITS
    const m = parseManifest(bytes, contentType, jsonLimits(limits))
    for (const d of referencedBlobs(m)) {
      if (!(await this.#d.store.blobs.get(repo, d.digest))) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `manifest references unknown blob ${d.digest}`, { detail: { digest: d.digest } })
      }
    }
    if (m.kind === 'manifest' && isImageConfigMediaType(m.config.mediaType)) await checkImageConfig(this.#d.blobs, repo, m.config, limits)
    for (const d of referencedManifests(m)) {
      if (!(await this.#d.store.manifests.get(repo, d.digest))) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `index references unknown manifest ${d.digest}`, { detail: { digest: d.digest } })
      }
    }
    await this.#d.blobs.putSmall(repo, digest, bytes)
    const now = this.#d.clock.now()
    const artifactType = effectiveArtifactType(m)
    // Images only: the scan looks bases up by it (scanning/registry-base-images.ts).
    const layerChain = m.kind === 'manifest' && isImageConfigMediaType(m.config.mediaType) ? layerChainOf(m.layers.map((l) => l.digest)) : undefined
    const record: ManifestRecord = {
      repo,
      digest,
      mediaType: m.mediaType,
      size: bytes.byteLength,
      ...(artifactType === undefined ? {} : { artifactType }),
      ...(m.subject ? { subject: m.subject.digest } : {}),
      ...(m.annotations ? { annotations: m.annotations } : {}),
      pushedAt: now,
      ...(layerChain === undefined ? {} : { layerChain }),
    }
    const frozen = ref.kind === 'tag' && (await this.#d.tagPolicy?.isTagImmutable(repo, ref.tag)) === true
    const uses = [digest, ...referencedBlobs(m), ...referencedManifests(m)].map((d) => (typeof d === 'string' ? d : d.digest))
    await this.#d.store.transaction(async (tx) => {
      // A garbage collection may have claimed one of them since the checks above: re-checked and
      // pinned in this transaction (docs/storage-layout.md "Garbage collection").
      const gone = await tx.gc.pinLinked(repo, uses, now)
      if (gone[0] !== undefined) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `manifest references unknown blob ${gone[0]}`, { detail: { digest: gone[0] } })
      }
      if (ref.kind === 'tag' && frozen) {
        // Read in the transaction: two racing first pushes of a frozen tag cannot both win.
        const current = await tx.tags.resolve(repo, ref.tag)
        if (current !== undefined && current !== digest) throw tagImmutable(repo, ref.tag, current)
      }
      await this.#d.newRepository?.adoptTemplate(tx, repo)
      await tx.manifests.put(record)
      // Pushed again: an image a lifecycle run expired is back (docs/lifecycle.md "Restore window").
      await tx.lifecycle.forget(repo, digest)
      if (ref.kind === 'tag') await tx.tags.put(repo, ref.tag, digest, now)
    })
    await this.#d.onPushed?.(repo, digest)
    await this.#d.events?.publish({
      type: 'image.pushed', repository: repo, digest, ...(ref.kind === 'tag' ? { tags: [ref.tag] } : {}), ...(actor === undefined ? {} : { actor }),
      data: { mediaType: m.mediaType },
    })
    return { digest, ...(m.subject ? { subject: m.subject.digest } : {}) }
  }

  /** By digest: deletes the manifest and its tags. By tag: removes only the tag. `actor`: who (for the event). */
  async delete(repo: RepositoryName, ref: ManifestReference, actor?: string): Promise<void> {
    // What the event names, read before it is gone (only when someone listens).
    const events = this.#d.events
    const digest = ref.kind === 'digest' ? ref.digest : events && (await this.#d.store.tags.resolve(repo, ref.tag))
    const tags = ref.kind === 'tag' ? [ref.tag] : events ? await this.#d.store.tags.ofDigest(repo, ref.digest, MAX_EVENT_TAGS) : []
    const done = ref.kind === 'digest'
      ? await this.#d.store.transaction((tx) => tx.manifests.delete(repo, ref.digest))
      : await this.#d.store.tags.delete(repo, ref.tag)
    if (done) {
      await events?.publish({
        type: 'image.deleted', repository: repo, ...(digest ? { digest } : {}), ...(tags.length > 0 ? { tags } : {}), ...(actor === undefined ? {} : { actor }),
        data: { untagged: ref.kind === 'tag' },
      })
      return
    }
    if (!(await this.#d.store.repositories.exists(repo))) throw nameUnknown(repo)
    throw manifestUnknown(referenceText(ref))
  }

  /**
   * Removes `tag`, and the manifest it pointed at when that was the manifest's last tag (ECR's
   * BatchDeleteImage by tag: "when you remove the last tag from an image, the image is deleted").
   * One transaction, so a tag put meanwhile cannot lose its manifest. Undefined when the tag was not there.
   */
  async untagImage(repo: RepositoryName, tag: Tag): Promise<{ readonly digest: Digest; readonly imageDeleted: boolean } | undefined> {
    const removed = await this.#d.store.transaction(async (tx) => {
      const digest = await tx.tags.resolve(repo, tag)
      if (digest === undefined || !(await tx.tags.delete(repo, tag))) return undefined
      const last = (await tx.tags.ofDigest(repo, digest, 1)).length === 0
      return { digest, imageDeleted: last && (await tx.manifests.delete(repo, digest)) }
    })
    if (removed) await this.#d.events?.publish({ type: 'image.deleted', repository: repo, digest: removed.digest, tags: [tag], data: { untagged: !removed.imageDeleted } })
    return removed
  }
}
