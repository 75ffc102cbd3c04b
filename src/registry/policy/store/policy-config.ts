/**
 * The config file's deploy policy settings (docs/policies.md "Managing policies"):
 *   "policies": [ { "name": "prod", "scope": "acme", "require": { "signed": true } }, ... ]
 *   "policy":   { "maxExemption": "24h" }
 * `policies` are the defaults: a policy stored through the API for the same scope replaces the
 * config one. They are validated at start (validateDeployPolicies), so `drydock serve` refuses a
 * bad list with the policy and the field named. `maxExemption` bounds break-glass exemptions.
 */
import type { DeployPolicy } from '../policy.ts'
import { validateDeployPolicies } from '../parse-policy.ts'
import { parseDuration } from '../../config/parse-units.ts'

export interface ConfigPolicy {
  readonly policy: DeployPolicy
  /** The entry as written in the file (shown by the API). */
  readonly document: Readonly<Record<string, unknown>>
}

export interface PolicyConfig {
  readonly defaults: readonly ConfigPolicy[]
  /** The longest break-glass exemption an admin may grant. */
  readonly maxExemptionMs: number
}

const HOUR_MS = 3_600_000
export const DEFAULT_MAX_EXEMPTION_MS = 24 * HOUR_MS
/** A break-glass exemption that lasts longer is a policy change in disguise: write a policy. */
export const MAX_EXEMPTION_LIMIT_MS = 30 * 24 * HOUR_MS

export const DEFAULT_POLICY_CONFIG: PolicyConfig = { defaults: [], maxExemptionMs: DEFAULT_MAX_EXEMPTION_MS }

/** `policies` and `policy.maxExemption` → PolicyConfig. Throws Error with a user-facing message. */
export function policyConfig(rawPolicies: unknown, rawMaxExemption: unknown): PolicyConfig {
  const documents = rawPolicies === undefined ? [] : rawPolicies
  const policies = validateDeployPolicies(documents)
  let maxExemptionMs = DEFAULT_MAX_EXEMPTION_MS
  if (rawMaxExemption !== undefined) {
    maxExemptionMs = parseDuration(rawMaxExemption, 'policy.maxExemption')
    if (maxExemptionMs <= 0 || maxExemptionMs > MAX_EXEMPTION_LIMIT_MS) throw new Error('policy.maxExemption must be more than 0 and at most 30d')
  }
  return {
    defaults: policies.map((policy, i) => ({ policy, document: (documents as Record<string, unknown>[])[i] ?? {} })),
    maxExemptionMs,
  }
}
