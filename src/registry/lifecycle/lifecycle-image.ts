/**
 * What the evaluator reads and returns. The wiring builds LifecycleImage from the metadata store
 * (one per manifest of the repository); the evaluator never touches storage, so a preview and a
 * real run over the same inputs give the same answer.
 */

export interface LifecycleImage {
  /** The manifest digest: the identity of an image, whatever tags it has. */
  readonly digest: string
  readonly pushedAt: Date
  /** Last pull of the manifest (by tag or digest); absent when never pulled. */
  readonly lastPulledAt?: Date | undefined
  /** Tags currently pointing at this digest; empty for an untagged image. */
  readonly tags: readonly string[]
  /**
   * For a referrer (signature, SBOM, attestation: a manifest with a `subject`, or a cosign
   * `sha256-….sig`-style artifact the trust module attributes to its image): the subject's
   * digest. A referrer whose subject is present is never selected by rules on its own: it goes
   * with its subject, and stays while its subject stays.
   */
  readonly subject?: string | undefined
  /**
   * For an image index: the digests of the manifests it lists. A listed manifest is part of its
   * index, not an image of its own: rules do not select or count it, and it goes only when
   * every index listing it goes (and only if it has no tag of its own).
   */
  readonly manifests?: readonly string[] | undefined
}

export type CarriedReason = 'referrer' | 'index-child'

export interface CarriedManifest {
  readonly digest: string
  readonly reason: CarriedReason
}

export interface ExpiredImage {
  readonly digest: string
  readonly tags: readonly string[]
  readonly pushedAt: Date
  /** Its last pull (for an index, of it or a manifest it lists); absent when never pulled. */
  readonly lastPulledAt?: Date
  /** The rule that takes it. */
  readonly rulePriority: number
  readonly description?: string
  /** Manifests that go with it: its referrers (transitively) and the manifests only it listed. */
  readonly carried: readonly CarriedManifest[]
}

export interface LifecyclePreview {
  readonly evaluatedAt: Date
  /** Ordered by rulePriority, then oldest first (the order ECR expires in). */
  readonly expired: readonly ExpiredImage[]
  /** Every other input digest, newest first. expired, their carried manifests and kept partition the input. */
  readonly kept: readonly string[]
}
