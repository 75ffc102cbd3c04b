/**
 * What the policy engine judges: the facts Drydock already has about one manifest, gathered by
 * the caller (the pull gate, the admission webhook, `drydock policy check`) so the engine itself
 * does no I/O.
 *
 *   scan         the scan record (metadata/scan-store.ts) of THIS digest: its status, and for a
 *                COMPLETE one the stored result's images (scanning/scan-result.ts), one per
 *                platform for an index. While a rescan is queued the previous result stays
 *                readable; a caller may pass it as COMPLETE (its advisory age still counts).
 *   signature    TrustService.isSignedByTrustedKey(repo, digest): real verification of the
 *                cosign tag and referrer forms with the keys trusted for the repository's
 *                namespace. For an index's child fetched by digest, a caller may pass the
 *                verdict of a signed index of the same repository that lists the child (the
 *                index digest pins the child's digest).
 *   attestations TrustService.report(repo, digest).attestations: each with its own verdict; only
 *                verified ones with a verified predicate type count.
 *
 * An absent `signature` or `attestations` means "not looked up": a condition that needs it fails
 * rather than passing on missing data. The caller looks up only what the policy asks for
 * (`factsNeeded` in evaluate-policy.ts).
 */
import type { ScanStatus } from '../metadata/scan-store.ts'
import type { ScannedImage } from '../scanning/scan-result.ts'
import type { AttestationEntry } from '../trust/list-attestations.ts'
import type { SignedBy } from '../trust/trust-service.ts'

export type ScanFacts =
  | { readonly status: 'NOT_SCANNED' }
  | { readonly status: Exclude<ScanStatus, 'COMPLETE'>; readonly description?: string }
  | { readonly status: 'COMPLETE'; readonly images: readonly ScannedImage[] }

export interface ImageFacts {
  readonly repository: string
  /** The digest being pulled (tags resolved first, so a moved tag cannot swap the image). */
  readonly digest: string
  readonly scan: ScanFacts
  readonly signature?: SignedBy
  readonly attestations?: readonly AttestationEntry[]
}
