/**
 * Limits that keep a hostile image from exhausting memory, disk or time. They are part of the
 * layer cache key: a result computed under other limits may differ (more unknowns).
 */
export interface ScanLimits {
  /** Max uncompressed bytes of one layer (decompression bombs stop here). */
  readonly maxLayerBytes: number
  /** Max tar entries in one layer. */
  readonly maxEntries: number
  /** Max bytes of one file read into memory for analysis, whatever the analyzer asks for. */
  readonly maxFileBytes: number
  /** Max bytes of one PAX / GNU long-name record. */
  readonly maxMetadataBytes: number
  /** Max bytes of a manifest, index or config document. */
  readonly maxDocumentBytes: number
  /**
   * Max findings (secrets in files) kept for one layer; past it they are counted, not kept, and
   * the report says so. A layer of a thousand copies of one key file is one problem.
   */
  readonly maxFindingsPerLayer: number
  /** Max findings one image's report lists (most severe first); the rest are counted, and the report says so. */
  readonly maxFindingsPerImage: number
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  maxLayerBytes: 16 * 1024 ** 3,
  maxEntries: 2_000_000,
  maxFileBytes: 256 * 1024 ** 2,
  maxMetadataBytes: 1024 ** 2,
  maxDocumentBytes: 8 * 1024 ** 2,
  maxFindingsPerLayer: 1_000,
  maxFindingsPerImage: 10_000,
}

export function withDefaultLimits(partial: Partial<ScanLimits> | undefined): ScanLimits {
  return { ...DEFAULT_SCAN_LIMITS, ...partial }
}
