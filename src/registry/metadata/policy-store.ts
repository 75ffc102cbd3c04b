/**
 * What deploy policies and break-glass exemptions need from the metadata store (issue #13; the
 * rules live in registry/policy/). Policies are kept as the text that was accepted, by name, with
 * their scope beside it so that "one policy per scope" holds in the store too. Exemptions are
 * never deleted, only revoked, so the record of who let what through stays.
 *
 * `generation` changes with every write made here, in the same transaction as the write: a
 * process that caches decisions compares it to see a change made by another replica (issue #18).
 * The store checks nothing else: texts are validated by the policy parser before they are written.
 */
import type { PolicyExemption } from '../policy/policy-source.ts'

export interface StoredPolicyRecord {
  readonly name: string
  /** The scope of the policy (normalised: `*`, a namespace or a repository name). Unique. */
  readonly scope: string
  /** The policy document as accepted (JSON). */
  readonly text: string
  readonly createdAt: Date
  readonly updatedAt: Date
  /** Principal name of the last writer. */
  readonly updatedBy: string
}

export interface ExemptionRecord extends PolicyExemption {
  /** RFC 3339, when it was revoked early. */
  readonly revokedAt?: string
  readonly revokedBy?: string
}

export interface PolicyRepo {
  /** Every stored policy, by name. */
  list(): Promise<readonly StoredPolicyRecord[]>
  get(name: string): Promise<StoredPolicyRecord | undefined>
  /**
   * Creates or replaces the policy `name` (createdAt kept on replace). Rejects when another
   * policy already has `scope` (callers check first and answer a conflict).
   */
  put(policy: { readonly name: string; readonly scope: string; readonly text: string; readonly by: string }, at: Date): Promise<'created' | 'replaced'>
  /** false when there was no such policy. */
  delete(name: string): Promise<boolean>

  addExemption(e: PolicyExemption): Promise<void>
  exemption(id: string): Promise<ExemptionRecord | undefined>
  /** The exemptions of `repository`, newest first, at most `limit` (revoked and expired included). */
  exemptions(repository: string, limit: number): Promise<readonly ExemptionRecord[]>
  /** Marks it revoked; false when it does not exist or was already revoked. */
  revokeExemption(id: string, by: string, at: Date): Promise<boolean>
  /** The newest exemption of that digest in force at `now` (not revoked, now < expiresAt). */
  activeExemption(repository: string, digest: string, now: Date): Promise<PolicyExemption | undefined>

  /** A counter bumped by every write above, in the same transaction. */
  generation(): Promise<number>
}
