/**
 * Brute-force protection that an attacker cannot turn against accounts whose password they do
 * not know (docs/auth.md "Hardening"). Two counters, both with exponential back-off once past
 * their threshold (1 s, 2 s, 4 s … capped at 15 min); while either is locked, credentials are not
 * even checked:
 *  - per (account, address): failed logins for one account name from one client address. Guessing
 *    at a password is slowed where it happens; the account's owner elsewhere is not affected.
 *  - per address, over all accounts: how many DISTINCT account names failed from that address.
 *    Password spraying (one guess at many accounts) and probing random names climb it; a client
 *    retrying one wrong password (a misconfigured CI job) or a few typos never do, so the
 *    ceiling can be low enough to matter without a NAT's other users paying for one bad client.
 * There is deliberately no counter per account across addresses: that is the lever by which
 * anyone could lock anyone out. Unknown and existing account names are counted the same, so the
 * throttle never tells whether an account exists. Addresses are grouped (IPv6 by /64).
 * The counters live in the metadata store (LoginFailureRepo), so restarting the server does not
 * hand an attacker a fresh budget of guesses. A counter is forgotten a day after its last
 * failure; the table is kept bounded.
 */
import type { LoginFailureRecord, LoginFailureRepo } from '../metadata/auth-store.ts'
import type { Clock } from '../ports.ts'
import { addressGroup } from '../runtime/address-group.ts'

const MAX_LOCK_MS = 15 * 60 * 1000
const MAX_ENTRIES = 10_000
const FORGET_AFTER_MS = 24 * 3600 * 1000

export interface ThrottleLimits {
  /** Failed logins per account name and address before back-off starts. */
  readonly perAccountAndAddress: number
  /** Distinct account names with failed logins from one address before the address backs off. */
  readonly accountsPerAddress: number
}

// Address first: an address never contains `|`, so any account name is unambiguous after it.
const pairKey = (address: string, account: string): string => `pair:${address}|${account}`
const addressKey = (address: string): string => `addr:${address}`

export class LoginThrottle {
  readonly #clock: Clock
  readonly #limits: ThrottleLimits
  readonly #repo: LoginFailureRepo

  constructor(clock: Clock, limits: ThrottleLimits, repo: LoginFailureRepo) {
    this.#clock = clock
    this.#limits = limits
    this.#repo = repo
  }

  /** Milliseconds until `account` may try again from `address`; 0 when not locked. */
  async retryAfter(account: string, address: string): Promise<number> {
    const now = this.#clock.now().getTime()
    const group = addressGroup(address)
    const entries = await this.#repo.get([pairKey(group, account), addressKey(group)])
    return Math.max(0, ...entries.map((e) => e.lockedUntil.getTime() - now))
  }

  async failed(account: string, address: string): Promise<void> {
    const now = this.#clock.now()
    const group = addressGroup(address)
    const pk = pairKey(group, account)
    const ak = addressKey(group)
    const known = new Map((await this.#repo.get([pk, ak])).map((e) => [e.key, e]))
    const pairFailures = this.#live(known.get(pk), now)
    await this.#repo.put(this.#counted(pk, pairFailures + 1, this.#limits.perAccountAndAddress, now))
    // The address counter counts accounts, not attempts: only a pair's first failure moves it.
    if (pairFailures === 0) {
      await this.#repo.put(this.#counted(ak, this.#live(known.get(ak), now) + 1, this.#limits.accountsPerAddress, now))
    }
    // Keeps the table bounded under a spray of random names: old and excess counters go first.
    await this.#repo.prune(new Date(now.getTime() - FORGET_AFTER_MS), MAX_ENTRIES)
  }

  /**
   * Clears the (account, address) counter only: a valid account of one's own must not reset the
   * address counter between guesses at other accounts.
   */
  async succeeded(account: string, address: string): Promise<void> {
    await this.#repo.delete([pairKey(addressGroup(address), account)])
  }

  /** A counter's failures, or 0 when it is older than the forget window (prune may not have run yet). */
  #live(prev: LoginFailureRecord | undefined, now: Date): number {
    return prev && now.getTime() - prev.updatedAt.getTime() < FORGET_AFTER_MS ? prev.failures : 0
  }

  #counted(key: string, failures: number, threshold: number, now: Date): LoginFailureRecord {
    const lockedUntil = failures >= threshold
      ? now.getTime() + Math.min(1000 * 2 ** Math.min(failures - threshold, 30), MAX_LOCK_MS)
      : 0
    return { key, failures, lockedUntil: new Date(lockedUntil), updatedAt: now }
  }
}
