/**
 * The layer cache contract: per-layer analysis results (LayerAnalysis, plain JSON) stored under
 * a key that changes whenever the result could change: the layer's diff_id, every analyzer's
 * name and version, and the limits. A base layer shared by a hundred images is analysed once.
 *
 * Entries are only written for layers whose uncompressed content was verified against the
 * diff_id while walking, so a forged diff_id cannot plant a result for someone else's layer.
 */
import { createHash } from 'node:crypto'
import type { Digest } from '../../oci/digest.ts'
import type { Analyzer } from '../analyzers/analyzer.ts'
import type { LayerAnalysis } from '../image/layer-analysis.ts'
import type { ScanLimits } from '../image/scan-limits.ts'

/** Bump when the LayerAnalysis shape or the walker's behaviour changes. */
export const LAYER_CACHE_SCHEMA = 1

export interface LayerCache {
  /** The stored analysis, or undefined on a miss (a corrupt entry counts as a miss). */
  get(key: string): Promise<LayerAnalysis | undefined>
  /** Stores an analysis; concurrent puts of the same key are harmless (last one wins, atomically). */
  put(key: string, value: LayerAnalysis): Promise<void>
}

export function layerCacheKey(diffId: Digest, analyzers: readonly Pick<Analyzer, 'name' | 'version' | 'maxFileSize'>[], limits: ScanLimits): string {
  const material = JSON.stringify({
    schema: LAYER_CACHE_SCHEMA,
    diffId,
    analyzers: analyzers.map((a) => [a.name, a.version, a.maxFileSize]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    limits: Object.entries(limits).sort(([a], [b]) => a.localeCompare(b)),
  })
  return `sha256-${createHash('sha256').update(material).digest('hex')}`
}

/** Cheap structural check of a decoded entry, so a truncated or foreign file is a miss. */
export function isLayerAnalysis(v: unknown): v is LayerAnalysis {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o['diffId'] === 'string' && Array.isArray(o['files']) && Array.isArray(o['whiteouts']) &&
    Array.isArray(o['opaqueDirs']) && Array.isArray(o['results']) && Array.isArray(o['unknowns']) && typeof o['uncompressedBytes'] === 'number'
}
