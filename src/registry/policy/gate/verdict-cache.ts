/**
 * The gate's verdict cache: one entry per (repository, digest), least recently used dropped
 * first, each valid until its own `until` (the earliest instant its verdict could change by time
 * alone: an allowlist entry or an exemption expiring, the advisory data getting too old, or the
 * cross-replica staleness bound). Events drop entries at once: a scan or a signature change drops
 * one repository's entries, a policy change drops everything. `epoch` lets a fill that raced
 * with an invalidation avoid storing what it computed from older facts.
 */
export class VerdictCache<V> {
  readonly #max: number
  readonly #entries = new Map<string, { readonly value: V; readonly until: number }>()
  #epoch = 0

  constructor(max: number) {
    this.#max = max
  }

  /** Changes on every invalidation; a fill stores only if it has not changed since it began. */
  get epoch(): number {
    return this.#epoch
  }

  get size(): number {
    return this.#entries.size
  }

  get(repository: string, digest: string, nowMs: number): V | undefined {
    const key = keyOf(repository, digest)
    const hit = this.#entries.get(key)
    if (hit === undefined) return undefined
    this.#entries.delete(key)
    if (nowMs >= hit.until) return undefined
    // Re-inserted: Map order is the recency order.
    this.#entries.set(key, hit)
    return hit.value
  }

  set(repository: string, digest: string, value: V, until: number, epoch: number): void {
    if (epoch !== this.#epoch) return
    const key = keyOf(repository, digest)
    this.#entries.delete(key)
    this.#entries.set(key, { value, until })
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
    }
  }

  /** Drops every entry of one repository (a scan, a signature or an index changed there). */
  dropRepository(repository: string): void {
    this.#epoch++
    const prefix = `${repository}@`
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.#entries.delete(key)
  }

  clear(): void {
    this.#epoch++
    this.#entries.clear()
  }
}

function keyOf(repository: string, digest: string): string {
  // `@` never appears in a repository name, so the prefix of one repository is unambiguous.
  return `${repository}@${digest}`
}
