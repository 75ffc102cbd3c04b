/**
 * The layer cache contract: per-layer analysis results (LayerAnalysis, plain JSON) stored under
 * a key that changes whenever the result could change: the layer's blob digest, every analyzer's
 * name and version, and the limits. A base layer shared by a hundred images is analysed once.
 *
 * The key is the digest of the compressed blob, never the diff_id an image config declares: a
 * config is the pusher's claim, the blob digest is what the registry and every puller verify.
 * Entries are only written for blobs whose bytes were verified against that digest and whose
 * uncompressed content was hashed while walking; the entry's `diffId` is that computed hash, and
 * a reader must refuse an entry whose diffId differs from the one its config lists (a layer
 * that is not what its config says is never reported, clean or otherwise).
 */
import { createHash } from 'node:crypto'
import type { Digest } from '../../oci/digest.ts'
import type { Analyzer } from '../analyzers/analyzer.ts'
import type { LayerAnalysis } from '../image/layer-analysis.ts'
import type { ScanLimits } from '../image/scan-limits.ts'

/** Bump when the LayerAnalysis shape, the walker's behaviour or the key's meaning changes (2: blob digest keys). */
export const LAYER_CACHE_SCHEMA = 2

export interface LayerCache {
  /** The stored analysis, or undefined on a miss (a corrupt entry counts as a miss). */
  get(key: string): Promise<LayerAnalysis | undefined>
  /**
   * Stores an analysis; concurrent puts of the same key are harmless (last one wins, atomically).
   * A cache may decline to store (an entry over its size bound, a disk low on space): it is an
   * optimisation, and a miss only costs a new walk.
   */
  put(key: string, value: LayerAnalysis): Promise<void>
}

/** `blobDigest`: the digest of the layer blob as stored (compressed), verified while it is read. */
export function layerCacheKey(blobDigest: Digest, analyzers: readonly Pick<Analyzer, 'name' | 'version' | 'maxFileSize'>[], limits: ScanLimits): string {
  const material = JSON.stringify({
    schema: LAYER_CACHE_SCHEMA,
    blob: blobDigest,
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

/** Default bound of one entry: a bounded analysis (findings per layer capped) is far smaller. */
export const DEFAULT_MAX_CACHE_ENTRY_BYTES = 16 * 1024 ** 2

/**
 * The entry's JSON, or undefined when it is over `max` bytes. The layer's file list alone tells
 * whether it can fit (about 60 bytes per file at least), so a huge layer is refused before
 * serialising it (which would hold the event loop for seconds).
 */
export function boundedJson(value: LayerAnalysis, max: number): string | undefined {
  if (value.files.length * 60 > max) return undefined
  const text = JSON.stringify(value)
  return Buffer.byteLength(text) > max ? undefined : text
}
