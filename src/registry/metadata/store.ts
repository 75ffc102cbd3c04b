/**
 * The metadata store contract: narrow repositories composed into one store (no 40-method
 * MetaDB). Blob bytes live in a StorageDriver; everything else — which repositories exist,
 * which blobs each may read, manifests, tags, referrers and upload sessions — lives here.
 *
 * Implementations: sqlite/sqlite-store.ts (embedded default). Every implementation runs
 * testsuite/metadata-suite.ts, which uses only this contract, so a PostgreSQL store can run it.
 * All methods reject with an Error on storage failure; "not found" is a return value
 * (undefined / false), never an exception.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import type { AccessKeyRepo } from './access-key-store.ts'
import type { ResourceTagRepo } from './resource-tag-store.ts'
import type { AuthRepos } from './auth-store.ts'
import type { GcRepo } from './gc-store.ts'
import type { LifecycleRepo } from './lifecycle-store.ts'
import type { LifecyclePreviewRepo } from './lifecycle-preview-store.ts'
import type { PullRepo } from './pull-store.ts'
import type { ScanRepo } from './scan-store.ts'
import type { RepositorySettingsRepo } from './settings-store.ts'
import type { PolicyRepo } from './policy-store.ts'
import type { WebhookRepo } from './webhook-store.ts'

/** OCI `n`/`last` pagination: up to `n` entries strictly after `last`, in lexical (byte) order. */
export interface Page<T extends string> {
  readonly last?: T
  readonly n: number
}

export interface RepositoryRepo {
  /** Creates the repository if needed (idempotent). */
  ensure(name: RepositoryName, at: Date): Promise<void>
  exists(name: RepositoryName): Promise<boolean>
  /** Does the repository hold any manifest? (A repository with blobs only is still new: creation templates apply.) */
  hasManifests(name: RepositoryName): Promise<boolean>
  list(page: Page<RepositoryName>): Promise<readonly RepositoryName[]>
  /**
   * Deletes the repository with its manifests, tags, blob links, own settings and resource tags (the blobs
   * themselves are left to garbage collection); false when it did not exist.
   */
  delete(name: RepositoryName): Promise<boolean>
}

/** Blob-in-repository links: a repository may serve a blob only when it is linked to it. */
export interface BlobLinkRepo {
  /** Links `digest` (of `size` bytes) to `repo` (idempotent; creates the repository). */
  link(repo: RepositoryName, digest: Digest, size: number, at: Date): Promise<void>
  /** The blob's size when it is linked to `repo`. */
  get(repo: RepositoryName, digest: Digest): Promise<{ readonly size: number } | undefined>
  /** Any repository holding the blob (for automatic cross-repository mounts). */
  findAnywhere(digest: Digest): Promise<{ readonly repo: RepositoryName; readonly size: number } | undefined>
  /** Removes the link; false when there was none. */
  unlink(repo: RepositoryName, digest: Digest): Promise<boolean>
}

export interface ManifestRecord {
  readonly repo: RepositoryName
  readonly digest: Digest
  readonly mediaType: string
  readonly size: number
  /** artifactType, or the config mediaType for an image manifest without one (referrers rule). */
  readonly artifactType?: string
  readonly subject?: Digest
  readonly annotations?: Readonly<Record<string, string>>
  readonly pushedAt: Date
  /**
   * An image manifest's layer chain (distribution/layer-chain.ts): equal for manifests with the
   * same layers in the same order; absent for indexes, artifacts and manifests stored before it existed.
   */
  readonly layerChain?: string
}

export interface ManifestRepo {
  /** Inserts or replaces (same digest ⇒ same content, so replacing only refreshes pushedAt). */
  put(m: ManifestRecord): Promise<void>
  /** A manifest expired by a lifecycle run is not returned by get, list or ReferrerRepo.list (lifecycle-store.ts). */
  get(repo: RepositoryName, digest: Digest): Promise<ManifestRecord | undefined>
  /** The manifests of `repo`, in digest order, `n` at most after `last` (lifecycle previews page through them). */
  list(repo: RepositoryName, page: Page<Digest>): Promise<readonly ManifestRecord[]>
  /**
   * Manifests, in any repository, whose layerChain is one of `chains`: those of the first chain
   * given, then of the next, … (by repository and digest within one chain), at most `limit` in
   * all. The candidates for an image's base (scanning/registry-base-images.ts).
   */
  withLayerChains(chains: readonly string[], limit: number): Promise<readonly ManifestRecord[]>
  /** Deletes the manifest, every tag pointing at it and its last pull time; false when it did not exist. */
  delete(repo: RepositoryName, digest: Digest): Promise<boolean>
}

export interface ReferrerRepo {
  /** Manifests in `repo` whose subject is `subject`, by digest order; optionally one artifactType. */
  list(repo: RepositoryName, subject: Digest, artifactType?: string): Promise<readonly ManifestRecord[]>
}

export interface TagRepo {
  resolve(repo: RepositoryName, tag: Tag): Promise<Digest | undefined>
  /** Points `tag` at `digest` (moves it when it exists). */
  put(repo: RepositoryName, tag: Tag, digest: Digest, at: Date): Promise<void>
  list(repo: RepositoryName, page: Page<Tag>): Promise<readonly Tag[]>
  /** The tags pointing at `digest` in `repo`, in lexical order, at most `limit`. */
  ofDigest(repo: RepositoryName, digest: Digest, limit: number): Promise<readonly Tag[]>
  delete(repo: RepositoryName, tag: Tag): Promise<boolean>
}

export interface UploadRecord {
  readonly id: string
  readonly repo: RepositoryName
  /** Bytes received and durably written so far. */
  readonly offset: number
  readonly startedAt: Date
  /** Last time bytes arrived; the idle timeout counts from here. */
  readonly updatedAt: Date
  /** The principal that started the session; absent when it was started without auth. */
  readonly owner?: string
}

/** Which sessions are open: touched at or after `touchedSince` and started at or after `startedSince`. */
export interface OpenWindow {
  readonly touchedSince: Date
  readonly startedSince: Date
}

export interface UploadRepo {
  create(u: UploadRecord): Promise<void>
  get(id: string): Promise<UploadRecord | undefined>
  setOffset(id: string, offset: number, at: Date): Promise<void>
  delete(id: string): Promise<boolean>
  /** Sessions outside the window (idle too long or started too long ago), least recently touched first (for the purge job). */
  listStale(window: OpenWindow, limit: number): Promise<readonly UploadRecord[]>
  /** Sessions inside the window, in total, in `repo`, and started by `owner` (0 when `owner` is undefined). */
  countActive(window: OpenWindow, repo: RepositoryName, owner?: string): Promise<{ readonly total: number; readonly repo: number; readonly owner: number }>
}

export interface MetadataStore {
  readonly repositories: RepositoryRepo
  readonly blobs: BlobLinkRepo
  readonly manifests: ManifestRepo
  readonly referrers: ReferrerRepo
  readonly tags: TagRepo
  readonly uploads: UploadRepo
  /** Identities, credentials, grants and the audit log (auth-store.ts). */
  readonly auth: AuthRepos
  /** The scan-on-push queue and scan results (scan-store.ts). */
  readonly scans: ScanRepo
  /** Pins, deletion tombstones and the collector's lease (gc-store.ts). */
  readonly gc: GcRepo
  /** A repository's own settings: scan on push, tag mutability, lifecycle policy (settings-store.ts). */
  readonly repositorySettings: RepositorySettingsRepo
  /** Deploy policies and break-glass exemptions (policy-store.ts, issue #13). */
  readonly policies: PolicyRepo
  /** SigV4 access keys for the ECR door, secrets sealed (access-key-store.ts). */
  readonly accessKeys: AccessKeyRepo
  /** Repositories' resource tags, ECR's `tags` (resource-tag-store.ts). */
  readonly resourceTags: ResourceTagRepo
  /** When each image was last pulled (pull-store.ts). */
  readonly pulls: PullRepo
  /** Manifests expired by a lifecycle run, restorable until the window ends (lifecycle-store.ts). */
  readonly lifecycle: LifecycleRepo
  /** ECR's asynchronous lifecycle previews, the last one per repository (lifecycle-preview-store.ts). */
  readonly lifecyclePreviews: LifecyclePreviewRepo
  /** Webhook subscriptions per namespace and their delivery queue (webhook-store.ts, issue #16). */
  readonly webhooks: WebhookRepo
  /**
   * Runs `fn` atomically: all its writes commit together or not at all. `fn` must use only the
   * `tx` store it receives. Transactions are serialized.
   */
  transaction<T>(fn: (tx: MetadataStore) => Promise<T>): Promise<T>
  /** Cheap liveness check for /readyz; rejects when the store is unusable. */
  ping(): Promise<void>
  close(): Promise<void>
}
