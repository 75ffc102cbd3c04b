/**
 * What walking one layer produces: JSON-serialisable, so it is what the layer cache stores. It
 * depends only on the layer's uncompressed content (its diff_id), the analyzers and the limits;
 * blob digests (which differ with compression) are added later by the applier.
 */
import type { Digest } from '../../oci/digest.ts'
import type { AnalysisResult } from '../analyzers/analyzer.ts'
import type { Unknown } from '../model/package.ts'
import type { TarEntry } from './tar-reader.ts'

/** A tar entry as the layer cache keeps it: what it is, without where it sat in the stream. */
export type LayerFile = Pick<TarEntry, 'path' | 'type' | 'size' | 'mode' | 'uid' | 'gid' | 'linkTarget'>

/** One analyzer's result for one file of the layer. */
export interface FileResult {
  readonly path: string
  readonly analyzer: string
  readonly result: AnalysisResult
}

export interface LayerAnalysis {
  readonly diffId: Digest
  /** Every entry of the layer except whiteout markers and the root, in archive order. */
  readonly files: readonly LayerFile[]
  /** Paths this layer deletes from the layers below (`.wh.NAME`). */
  readonly whiteouts: readonly string[]
  /** Directories whose lower-layer content this layer hides (`.wh..wh..opq`). */
  readonly opaqueDirs: readonly string[]
  readonly results: readonly FileResult[]
  /** Files that could not be analysed (too large, hard link to a missing file, analyzer failure). */
  readonly unknowns: readonly Unknown[]
  /** Uncompressed size of the layer. */
  readonly uncompressedBytes: number
  /** Findings found past ScanLimits.maxFindingsPerLayer: counted, not kept (absent when none). */
  readonly omittedFindings?: number
}
