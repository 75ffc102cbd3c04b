/**
 * Brute-force protection: per user name and per client address, failed logins past a threshold
 * lock further attempts for an exponentially growing time (1 s, 2 s, 4 s … capped at 15 min).
 * While locked, credentials are not even checked. The counters live in the metadata store
 * (LoginFailureRepo), so restarting the server does not hand an attacker a fresh budget of
 * guesses. A counter is forgotten a day after its last failure; the table is kept bounded.
 */
import type { LoginFailureRepo } from '../metadata/auth-store.ts'
import type { Clock } from '../ports.ts'

const MAX_LOCK_MS = 15 * 60 * 1000
const MAX_ENTRIES = 10_000
const FORGET_AFTER_MS = 24 * 3600 * 1000

export class LoginThrottle {
  readonly #clock: Clock
  readonly #threshold: number
  readonly #repo: LoginFailureRepo

  constructor(clock: Clock, threshold: number, repo: LoginFailureRepo) {
    this.#clock = clock
    this.#threshold = threshold
    this.#repo = repo
  }

  /** Milliseconds until any of `keys` may try again; 0 when none is locked. */
  async retryAfter(keys: readonly string[]): Promise<number> {
    const now = this.#clock.now().getTime()
    return Math.max(0, ...(await this.#repo.get(keys)).map((e) => e.lockedUntil.getTime() - now))
  }

  async failed(keys: readonly string[]): Promise<void> {
    const now = this.#clock.now()
    const known = new Map((await this.#repo.get(keys)).map((e) => [e.key, e]))
    for (const key of keys) {
      const prev = known.get(key)
      // A counter older than the forget window starts again (prune may not have run yet).
      const failures = (prev && now.getTime() - prev.updatedAt.getTime() < FORGET_AFTER_MS ? prev.failures : 0) + 1
      const lockedUntil = failures >= this.#threshold
        ? now.getTime() + Math.min(1000 * 2 ** Math.min(failures - this.#threshold, 30), MAX_LOCK_MS)
        : 0
      await this.#repo.put({ key, failures, lockedUntil: new Date(lockedUntil), updatedAt: now })
    }
    // Keeps the table bounded under a spray of random names: old and excess counters go first.
    await this.#repo.prune(new Date(now.getTime() - FORGET_AFTER_MS), MAX_ENTRIES)
  }

  async succeeded(keys: readonly string[]): Promise<void> {
    await this.#repo.delete(keys)
  }
}
