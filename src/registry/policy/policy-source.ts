/**
 * Where the deploy policies in force and the break-glass exemptions come from (issue #13). The
 * gate (gate/) reads through this contract only, so it does not care whether a policy was
 * written in the config file or stored through the API.
 *
 *   policies()          every policy in force, validated: stored ones, plus the config file's
 *                       `policies` for scopes that have no stored policy (a stored policy for a
 *                       scope replaces the config default of that scope). selectPolicy() picks.
 *   activeExemption()   the break-glass exemption for one digest of one repository that is in
 *                       force at `now` (not revoked, not expired), if any.
 *   onChange()          told after every change to a policy or an exemption made through this
 *                       process, so decision caches drop what they hold at once. (With several
 *                       replicas, issue #18, a change made elsewhere is seen through `generation`.)
 *   generation()        a number that changes whenever policies or exemptions change anywhere
 *                       (a cheap read of the metadata store); caches compare it before reuse.
 */
import type { DeployPolicy } from './policy.ts'

export interface PolicyExemption {
  readonly id: string
  readonly repository: string
  readonly digest: string
  readonly reason: string
  /** Principal name of the admin who granted it (audit). */
  readonly createdBy: string
  readonly createdAt: string
  /** RFC 3339; the exemption counts while now < expiresAt. */
  readonly expiresAt: string
}

export interface PolicySource {
  policies(): Promise<readonly DeployPolicy[]>
  activeExemption(repository: string, digest: string, now: Date): Promise<PolicyExemption | undefined>
  onChange(listener: () => void): () => void
  generation(): Promise<number>
}

/** A fixed set of policies and exemptions (tests, and the config file alone). */
export class StaticPolicySource implements PolicySource {
  readonly #listeners = new Set<() => void>()
  #policies: readonly DeployPolicy[]
  #exemptions: readonly PolicyExemption[]
  #generation = 0

  constructor(policies: readonly DeployPolicy[] = [], exemptions: readonly PolicyExemption[] = []) {
    this.#policies = policies
    this.#exemptions = exemptions
  }

  async policies(): Promise<readonly DeployPolicy[]> {
    return this.#policies
  }

  async activeExemption(repository: string, digest: string, now: Date): Promise<PolicyExemption | undefined> {
    return this.#exemptions.find((e) => e.repository === repository && e.digest === digest && now.getTime() < Date.parse(e.expiresAt))
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async generation(): Promise<number> {
    return this.#generation
  }

  /** Replace the contents (tests) and tell the listeners. */
  set(policies: readonly DeployPolicy[], exemptions: readonly PolicyExemption[] = this.#exemptions): void {
    this.#policies = policies
    this.#exemptions = exemptions
    this.#generation++
    for (const l of this.#listeners) l()
  }
}
