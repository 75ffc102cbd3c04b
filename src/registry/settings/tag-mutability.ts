/**
 * Tag immutability (ECR's imageTagMutability): may a tag that already points at one manifest be
 * moved to another? Pure rules, no I/O.
 *  - MUTABLE / IMMUTABLE: every tag;
 *  - IMMUTABLE_WITH_EXCLUSION: immutable except the tags an exclusion filter matches;
 *  - MUTABLE_WITH_EXCLUSION: mutable except the tags an exclusion filter matches.
 * cosign's tags (`sha256-<hex>.sig`, `.att`, `.sbom`) are always mutable: cosign adds a second
 * signature or attestation by re-pushing the same tag with one more layer, so freezing them
 * would make every image signable once only (Harbor's immutability rules broke signing so).
 */
import type { MutabilityExclusionFilter, TagMutability } from '../metadata/settings-store.ts'
import { matchesTagPattern } from '../lifecycle/tag-pattern.ts'

const COSIGN_TAG = /^sha256-[0-9a-f]{64}\.(?:sig|att|sbom)$/

export function isCosignTag(tag: string): boolean {
  return COSIGN_TAG.test(tag)
}

export function isTagImmutable(mutability: TagMutability, filters: readonly MutabilityExclusionFilter[], tag: string): boolean {
  if (isCosignTag(tag)) return false
  // ECR's WILDCARD filters are the lifecycle rules' tag patterns: `*` is any run, the rest literal.
  const excluded = filters.some((f) => matchesTagPattern(f.filter, tag))
  switch (mutability) {
    case 'MUTABLE':
      return false
    case 'IMMUTABLE':
      return true
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded
  }
}
