/**
 * The deploy gate's contract (issue #13): one decision for "may this principal have this
 * manifest now", shared by every door that hands out images: manifest GET/HEAD on /v2, the
 * Kubernetes admission webhook, the details route behind `drydock policy check` and `drydock pin`.
 * The implementation (gate/) gathers the facts (scan record, trust verification), caches verdicts
 * per digest and invalidates them; callers never evaluate policies themselves.
 */
import type { Principal } from '../auth/principal.ts'
import type { PolicyDecision, PolicyVerdict } from './evaluate-policy.ts'
import type { PolicyExemption } from './policy-source.ts'

/** Which door asks (recorded in audit events and metrics). */
export type GateDoor = 'pull' | 'admission' | 'check'

export interface GateDecision {
  readonly repository: string
  readonly digest: string
  /** `allow` when no policy governs the repository, the policy exempts the caller, or an exemption is active. */
  readonly decision: PolicyDecision
  /** The policy's verdict; absent when no policy governs the repository. */
  readonly verdict?: PolicyVerdict
  /** The break-glass exemption that let a failing image through. */
  readonly exemption?: PolicyExemption
  /** The one-line refusal (refusalMessage) for `deny` and `audit-deny`. */
  readonly message?: string
}

export interface PolicyGate {
  /**
   * The decision for a manifest already resolved to its digest. Records an audit event for
   * `deny` and `audit-deny` (and for an allow that only an exemption gave) when `door` is
   * `pull` or `admission`; `check` is a question, not a deploy, and is not audited.
   */
  decide(repository: string, digest: string, principal: Principal, door: GateDoor): Promise<GateDecision>
}
