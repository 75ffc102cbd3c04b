/**
 * Which policy governs a repository: the policy whose scope is the longest prefix of the
 * repository name on whole segments (`acme` covers `acme` and `acme/app`, not `acme-labs/app`),
 * else the `*` policy, else none. Policies never merge: a longer scope replaces a shorter one
 * entirely (so `{"scope": "acme/sandbox", "require": {}}` exempts one repository of `acme`). The
 * same rule as the trust keys and scan-on-push settings, so one namespace reads the same in all.
 */
import type { DeployPolicy } from './policy.ts'

export function scopeCovers(scope: string, repository: string): boolean {
  return scope === '*' || repository === scope || repository.startsWith(`${scope}/`)
}

export function selectPolicy(policies: readonly DeployPolicy[], repository: string): DeployPolicy | undefined {
  let best: DeployPolicy | undefined
  for (const p of policies) {
    if (!scopeCovers(p.scope, repository)) continue
    // `*` is shorter than every named scope whatever its length in characters.
    const rank = (q: DeployPolicy): number => (q.scope === '*' ? 0 : q.scope.length)
    if (best === undefined || rank(p) > rank(best)) best = p
  }
  return best
}
