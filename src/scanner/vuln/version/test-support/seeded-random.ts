/**
 * A small seeded PRNG (mulberry32) for generated comparison tests: the same seed always yields
 * the same pairs, so a failure can be reproduced from the seed printed by the test.
 */
export class SeededRandom {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)]
    if (item === undefined) throw new Error('pick() from an empty list')
    return item
  }

  /** A number as text: usually small, sometimes with leading zeros or very long. */
  number(): string {
    const r = this.next()
    if (r < 0.6) return String(this.int(0, 12))
    if (r < 0.75) return '0' + String(this.int(0, 9))
    if (r < 0.9) return String(this.int(0, 99999))
    let s = String(this.int(1, 9))
    const len = this.int(10, 25)
    while (s.length < len) s += String(this.int(0, 9))
    return s
  }
}

/**
 * Picks `count` pairs from a pool of versions: one in ten compares a version with itself, the
 * rest two random members (pools are built from few building blocks, so many pairs share a
 * prefix and differ late, which is where comparators go wrong).
 */
export function makePairs(rng: SeededRandom, versions: readonly string[], count: number): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  while (pairs.length < count) {
    const a = rng.pick(versions)
    pairs.push([a, rng.chance(0.1) ? a : rng.pick(versions)])
  }
  return pairs
}
