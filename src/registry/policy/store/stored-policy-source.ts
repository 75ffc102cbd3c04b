/**
 * The PolicySource of a running registry (policy-source.ts): policies stored through the API
 * (metadata/policy-store.ts), plus the config file's `policies` for every scope that has no
 * stored policy. A stored policy replaces the config default of its scope, never merges with it.
 *
 * The validated list is kept per store generation: policies() costs one generation read while
 * nothing changed, so the gate may ask on every pull. A stored text is re-validated when read;
 * if it no longer validates (a stricter grammar after an upgrade), policies() rejects naming it,
 * and the gate fails closed rather than dropping a policy.
 */
import type { PolicyRepo } from '../../metadata/policy-store.ts'
import { DeployPolicyError } from '../policy-error.ts'
import { parseDeployPolicy } from '../parse-policy.ts'
import type { DeployPolicy } from '../policy.ts'
import type { PolicyExemption, PolicySource } from '../policy-source.ts'
import type { ConfigPolicy } from './policy-config.ts'

export interface StoredPolicySource extends PolicySource {
  /** The config file's policies (the API shows them with `source: config`). */
  readonly configDefaults: readonly ConfigPolicy[]
  /** Tells the onChange listeners; the management API calls it after each change it commits. */
  changed(): void
}

export interface PolicySourceDeps {
  readonly configPolicies: readonly ConfigPolicy[]
  readonly store: { readonly policies: PolicyRepo }
}

/** The policies in force: stored ones, then config defaults for scopes without a stored one. */
export function mergePolicies(stored: readonly DeployPolicy[], defaults: readonly DeployPolicy[]): DeployPolicy[] {
  const scopes = new Set(stored.map((p) => p.scope))
  return [...stored, ...defaults.filter((p) => !scopes.has(p.scope))]
}

export function openPolicySource(deps: PolicySourceDeps): StoredPolicySource {
  const listeners = new Set<() => void>()
  const repo = deps.store.policies
  const defaults = deps.configPolicies.map((c) => c.policy)
  let cached: { readonly generation: number; readonly policies: readonly DeployPolicy[] } | undefined

  const load = async (generation: number): Promise<readonly DeployPolicy[]> => {
    const stored = (await repo.list()).map((r) => {
      try {
        return parseDeployPolicy(r.text)
      } catch (err) {
        if (err instanceof DeployPolicyError) throw new Error(`stored deploy policy '${r.name}' no longer validates: ${err.message}`, { cause: err })
        throw err
      }
    })
    const policies = mergePolicies(stored, defaults)
    cached = { generation, policies }
    return policies
  }

  return {
    configDefaults: deps.configPolicies,
    policies: async () => {
      const generation = await repo.generation()
      return cached?.generation === generation ? cached.policies : load(generation)
    },
    activeExemption: async (repository: string, digest: string, now: Date): Promise<PolicyExemption | undefined> =>
      repo.activeExemption(repository, digest, now),
    onChange: (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    generation: () => repo.generation(),
    changed: () => {
      for (const l of listeners) l()
    },
  }
}
