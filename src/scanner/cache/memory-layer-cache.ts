// In-memory LayerCache (tests, one-shot CLI runs, the registry's short-lived scans). Entries are
// stored as JSON text so callers can never mutate a cached result through a shared reference.
// Bounded in entries (LRU) and in bytes per entry (a larger analysis is not kept).
import type { LayerAnalysis } from '../image/layer-analysis.ts'
import { boundedJson, DEFAULT_MAX_CACHE_ENTRY_BYTES, type LayerCache } from './layer-cache.ts'

export class MemoryLayerCache implements LayerCache {
  readonly #entries = new Map<string, string>()
  readonly #maxEntries: number
  readonly #maxEntryBytes: number

  constructor(maxEntries = 1000, maxEntryBytes = DEFAULT_MAX_CACHE_ENTRY_BYTES) {
    this.#maxEntries = maxEntries
    this.#maxEntryBytes = maxEntryBytes
  }

  async get(key: string): Promise<LayerAnalysis | undefined> {
    const text = this.#entries.get(key)
    if (text === undefined) return undefined
    // Refresh recency: Map iteration order is insertion order, so this makes eviction LRU.
    this.#entries.delete(key)
    this.#entries.set(key, text)
    return JSON.parse(text) as LayerAnalysis
  }

  async put(key: string, value: LayerAnalysis): Promise<void> {
    this.#entries.delete(key)
    const text = boundedJson(value, this.#maxEntryBytes)
    if (text === undefined) return
    this.#entries.set(key, text)
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
    }
  }

  get size(): number {
    return this.#entries.size
  }
}
