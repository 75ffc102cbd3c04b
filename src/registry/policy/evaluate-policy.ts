/**
 * evaluatePolicy(policy, facts, principal, now): may this caller pull this manifest? Pure: the
 * same inputs always give the same verdict (time is `now`, never the clock).
 *
 *   1. A caller the policy does not apply to (appliesTo) is allowed, `exempt: true`.
 *   2. Every condition is judged; all failures are listed, not just the first, so the details
 *      page shows everything to fix at once.
 *   3. No failure: allow. Failures: `deny` in enforce mode, `audit-deny` in audit mode (the
 *      caller serves the pull and logs and counts what would have been refused).
 *
 * An index: its scan result carries one report per platform; every one must pass (the verdict
 * of an index is that of its worst child), and failures name the platform. Signature and
 * attestations are judged on the digest pulled (the index digest pins its children).
 */
import type { Principal } from '../auth/principal.ts'
import type { ImageFacts } from './image-facts.ts'
import type { ConditionName, DeployPolicy, PolicyConditions, PolicyMode } from './policy.ts'
import { appliesTo } from './principal-scope.ts'
import { judgeReport, type AllowlistUse, type PolicyFailure } from './report-conditions.ts'

export type { PolicyFailure } from './report-conditions.ts'

export type PolicyDecision = 'allow' | 'deny' | 'audit-deny'

export interface PolicyVerdict {
  readonly policy: string
  readonly scope: string
  readonly mode: PolicyMode
  readonly repository: string
  readonly digest: string
  readonly decision: PolicyDecision
  /** True when the policy does not apply to the caller (nothing was judged). */
  readonly exempt: boolean
  /** The conditions the policy sets, in evaluation order. */
  readonly checked: readonly ConditionName[]
  readonly failures: readonly PolicyFailure[]
  /** Allowlist entries that matched a finding: active ones waived it, expired ones did not. */
  readonly allowlist: readonly Readonly<AllowlistUse>[]
  readonly evaluatedAt: string
}

const SCAN_CONDITIONS: readonly ConditionName[] = ['scan', 'vulnerabilities', 'noSecrets', 'misconfigurations', 'compliance']
const ORDER: readonly ConditionName[] = [...SCAN_CONDITIONS, 'signed', 'attestations']

function conditionsOf(require: PolicyConditions): ConditionName[] {
  return ORDER.filter((c) => require[c] !== undefined)
}

/** Which facts the caller must look up for this policy (so an unsigned-only policy reads no scan). */
export function factsNeeded(policy: DeployPolicy): { readonly scan: boolean; readonly signature: boolean; readonly attestations: boolean } {
  const set = conditionsOf(policy.require)
  return { scan: set.some((c) => SCAN_CONDITIONS.includes(c)), signature: set.includes('signed'), attestations: set.includes('attestations') }
}

function scanStateProblem(facts: ImageFacts): string | undefined {
  const scan = facts.scan
  switch (scan.status) {
    case 'COMPLETE': return scan.images.length === 0 ? 'the scan result lists no image' : undefined
    case 'NOT_SCANNED': return 'the image has not been scanned'
    case 'PENDING':
    case 'IN_PROGRESS': return `the scan is not finished (${scan.status})`
    case 'FAILED': return `the scan failed${scan.description ? `: ${scan.description}` : ''}`
    case 'UNSUPPORTED_IMAGE': return `the image cannot be scanned${scan.description ? `: ${scan.description}` : ''}`
  }
}

function trustFailures(require: PolicyConditions, facts: ImageFacts): PolicyFailure[] {
  const failures: PolicyFailure[] = []
  if (require.signed) {
    if (facts.signature === undefined) failures.push({ condition: 'signed', message: 'signatures were not checked' })
    else if (!facts.signature.signed) failures.push({ condition: 'signed', message: `not signed by a key trusted for ${facts.repository}` })
  }
  for (const type of require.attestations ?? []) {
    const ok = facts.attestations?.some((a) => a.verified && a.predicateTypeVerified && a.predicateType === type)
    if (!ok) failures.push({ condition: 'attestations', message: `no attestation of type ${type} signed by a trusted key` })
  }
  return failures
}

export function evaluatePolicy(policy: DeployPolicy, facts: ImageFacts, principal: Principal, now: Date): PolicyVerdict {
  const base = {
    policy: policy.name, scope: policy.scope, mode: policy.mode, repository: facts.repository, digest: facts.digest,
    checked: conditionsOf(policy.require), evaluatedAt: now.toISOString(),
  }
  if (!appliesTo(policy.appliesTo, principal)) return { ...base, decision: 'allow', exempt: true, failures: [], allowlist: [] }

  const failures: PolicyFailure[] = []
  const allowlist = new Map<string, AllowlistUse>()
  if (factsNeeded(policy).scan) {
    const problem = scanStateProblem(facts)
    if (problem !== undefined) {
      // One failure for every scan-based condition: none of them can be judged without a report.
      failures.push({ condition: base.checked.find((c) => SCAN_CONDITIONS.includes(c)) as ConditionName, message: problem })
    } else if (facts.scan.status === 'COMPLETE') {
      for (const image of facts.scan.images) {
        for (const f of judgeReport(policy.require, image.report, now, allowlist)) {
          failures.push(image.platform === undefined ? f : { ...f, platform: image.platform })
        }
      }
    }
  }
  failures.push(...trustFailures(policy.require, facts))
  const decision: PolicyDecision = failures.length === 0 ? 'allow' : policy.mode === 'enforce' ? 'deny' : 'audit-deny'
  return { ...base, decision, exempt: false, failures, allowlist: [...allowlist.values()] }
}
