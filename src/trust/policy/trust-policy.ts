/**
 * Trust policy: which public keys are trusted for which repositories. Namespaces are repository
 * path prefixes matched on whole segments (`team-a` covers `team-a/api` but not `team-ab/x`);
 * the longest matching namespace wins, and `*` is the default for everything else. A namespace
 * with `keys: []` explicitly trusts nobody (signatures there can never verify).
 *
 * The registry will load this from its config and answer "is this digest signed by a trusted
 * key, and by which" with verifyImageSignatures(); the CLI builds a one-entry policy from --key.
 */
import type { TrustedKey } from '../bundle/sigstore-bundle.ts'
import { keyIdOf, loadPublicKey } from '../keys/key-pair.ts'

export interface TrustPolicyConfig {
  /** namespace (repository prefix, or `*`) -> PEM public keys */
  readonly namespaces: Readonly<Record<string, readonly string[]>>
}

export interface TrustPolicy {
  /** The keys trusted for `repository`; [] when no namespace matches. */
  keysFor(repository: string): readonly TrustedKey[]
}

/** Parses every PEM once (KEY_INVALID on a bad one, naming the namespace). */
export function createTrustPolicy(config: TrustPolicyConfig): TrustPolicy {
  const table = new Map<string, TrustedKey[]>()
  for (const [ns, pems] of Object.entries(config.namespaces)) {
    table.set(ns.replace(/\/+$/, ''), pems.map((pem) => {
      const key = loadPublicKey(pem)
      return { keyId: keyIdOf(key), key }
    }))
  }
  return {
    keysFor(repository) {
      let best: string | undefined
      for (const ns of table.keys()) {
        if (ns === '*') continue
        if ((repository === ns || repository.startsWith(`${ns}/`)) && (best === undefined || ns.length > best.length)) best = ns
      }
      return table.get(best ?? '*') ?? []
    },
  }
}
