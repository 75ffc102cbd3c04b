/**
 * Brute-force protection: per user name and per client address, failed logins past a threshold
 * lock further attempts for an exponentially growing time (1 s, 2 s, 4 s … capped at 15 min).
 * While locked, credentials are not even checked. In memory: a restart forgets, which is fine
 * for slowing guessing down; the audit log keeps the history. Bounded in size.
 */
import type { Clock } from '../ports.ts'

const MAX_LOCK_MS = 15 * 60 * 1000
const MAX_ENTRIES = 10_000

interface Entry {
  failures: number
  lockedUntil: number
}

export class LoginThrottle {
  readonly #clock: Clock
  readonly #threshold: number
  readonly #entries = new Map<string, Entry>()

  constructor(clock: Clock, threshold: number) {
    this.#clock = clock
    this.#threshold = threshold
  }

  /** Milliseconds until any of `keys` may try again; 0 when none is locked. */
  retryAfter(keys: readonly string[]): number {
    const now = this.#clock.now().getTime()
    return Math.max(0, ...keys.map((k) => (this.#entries.get(k)?.lockedUntil ?? 0) - now))
  }

  failed(keys: readonly string[]): void {
    const now = this.#clock.now().getTime()
    for (const k of keys) {
      const e = this.#entries.get(k) ?? { failures: 0, lockedUntil: 0 }
      e.failures++
      if (e.failures >= this.#threshold) {
        e.lockedUntil = now + Math.min(1000 * 2 ** (e.failures - this.#threshold), MAX_LOCK_MS)
      }
      this.#entries.delete(k)
      this.#entries.set(k, e)
    }
    // Oldest-first eviction keeps memory bounded under a spray of random names.
    while (this.#entries.size > MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
    }
  }

  succeeded(keys: readonly string[]): void {
    for (const k of keys) this.#entries.delete(k)
  }
}
