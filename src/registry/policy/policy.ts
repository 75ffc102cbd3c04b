/**
 * The deploy policy model (issue #13, docs/policies.md): the conditions an image must meet before
 * a pull is allowed, who they apply to, and whether a failure refuses the pull (`enforce`) or is
 * only recorded (`audit`). A DeployPolicy only exists once parse-policy.ts has validated it;
 * evaluate-policy.ts trusts its invariants (a known severity, normalised scope, unique allowlist
 * ids, expiry as an instant).
 */
import type { ComplianceItem } from '../../scanner/compliance/compliance-checklist.ts'
import type { ReportSeverity } from '../../scanner/report/severity-scale.ts'

export type PolicyMode = 'enforce' | 'audit'

/**
 * Whom a policy applies to, by principal selector (see principal-scope.ts): `admins`,
 * `anonymous`, `robots`, `user:NAME`, `robot$ORG+NAME`; names may hold `*` wildcards.
 */
export type PrincipalScope =
  | { readonly kind: 'everyone' }
  | { readonly kind: 'only'; readonly selectors: readonly string[] }
  | { readonly kind: 'except'; readonly selectors: readonly string[] }

export interface AllowlistEntry {
  /** Advisory id or any alias (`CVE-2024-1234`, `GHSA-…`); matches a finding's id or aliases. */
  readonly id: string
  readonly reason: string
  /** As written (`2026-12-31` or an RFC 3339 time), for display. */
  readonly expiresAt: string
  /** The entry counts while now < this instant (a date means through the end of that day, UTC). */
  readonly expiresAtMs: number
}

export interface ScanCondition {
  /** The scan's advisory data must be at most this many days old at evaluation time. */
  readonly maxAdvisoryAgeDays?: number
}

export interface VulnerabilityCondition {
  /** Refuse vulnerabilities at or above this severity. */
  readonly atOrAbove: ReportSeverity
  /** Vulnerabilities without a fixed version do not count (Trivy's --ignore-unfixed). */
  readonly ignoreUnfixed: boolean
  readonly allowlist: readonly AllowlistEntry[]
}

export interface MisconfigCondition {
  readonly atOrAbove: ReportSeverity
}

export type ComplianceItemId = ComplianceItem['id']

/** Every checklist item id; a Record so that a new id in the checklist fails the type check here. */
const COMPLIANCE_IDS: Record<ComplianceItemId, true> = {
  'base-image': true, 'no-secrets': true, 'non-root': true, healthcheck: true, 'scan-reviewed': true, 'versioned-tag': true,
}
export const COMPLIANCE_ITEM_IDS = Object.keys(COMPLIANCE_IDS) as readonly ComplianceItemId[]

/** Each present field is one condition; all present conditions must hold. */
export interface PolicyConditions {
  readonly scan?: ScanCondition
  readonly vulnerabilities?: VulnerabilityCondition
  readonly noSecrets?: true
  readonly misconfigurations?: MisconfigCondition
  readonly compliance?: readonly ComplianceItemId[]
  readonly signed?: true
  /** Full in-toto predicate types; each needs an attestation verified with a trusted key. */
  readonly attestations?: readonly string[]
}

export type ConditionName = keyof PolicyConditions

export interface DeployPolicy {
  readonly name: string
  /** `*` (every repository) or a namespace / repository prefix matched on whole segments. */
  readonly scope: string
  readonly mode: PolicyMode
  readonly appliesTo: PrincipalScope
  readonly require: PolicyConditions
}

/** Policy text bound (bytes of UTF-8): allowlists are the only long part. */
export const MAX_POLICY_TEXT_BYTES = 256 * 1024
/** Policy nesting: policy, require, vulnerabilities, allowlist, entry; deeper is not a policy. */
export const MAX_POLICY_DEPTH = 8

export const DAY_MS = 86_400_000
