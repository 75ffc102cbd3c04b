/**
 * The one layer analysis the registry runs, shared by the scan job (run-scan.ts, through
 * analyzeResolvedImage) and the upload tee (layer-tee.ts): the built-in analyzers plus the
 * secret analyzer with the default rules, under the default limits and the scanning config's
 * findings bounds. Both sides must compute the same layer cache key, so both take it from here.
 */
import type { Readable } from 'node:stream'
import type { Digest } from '../../oci/digest.ts'
import { builtinAnalyzers } from '../../scanner/analyzers/builtin.ts'
import type { Analyzer } from '../../scanner/analyzers/analyzer.ts'
import type { SecretScanOptions } from '../../scanner/analyzers/secret/secret-analyzer.ts'
import { layerCacheKey } from '../../scanner/cache/layer-cache.ts'
import type { LayerAnalysis } from '../../scanner/image/layer-analysis.ts'
import { openLayerStream } from '../../scanner/image/layer-stream.ts'
import { walkLayer } from '../../scanner/image/layer-walker.ts'
import { withDefaultLimits, type ScanLimits } from '../../scanner/image/scan-limits.ts'
import { secretWalkAnalyzer } from '../../scanner/pipeline/secret-pass.ts'
import type { ScanningConfig } from './scanning-config.ts'

const SECRETS: SecretScanOptions = {}

/** The registry's analysis limits: the scanner's defaults with the scanning config's findings bounds. */
export function registryScanLimits(config: Pick<ScanningConfig, 'maxFindingsPerLayer' | 'maxFindingsPerImage'>): ScanLimits {
  return withDefaultLimits({ maxFindingsPerLayer: config.maxFindingsPerLayer, maxFindingsPerImage: config.maxFindingsPerImage })
}

/** AnalyzeOptions for analyzeResolvedImage (the cache and signal are added by the caller). */
export function layerAnalysisOptions(limits: ScanLimits): { analyzers: readonly Analyzer[]; secrets: SecretScanOptions; limits: ScanLimits } {
  return { analyzers: builtinAnalyzers, secrets: SECRETS, limits }
}

/** The analyzers the walk runs, exactly as analyzeResolvedImage assembles them. */
const WALK_ANALYZERS: readonly Analyzer[] = [...builtinAnalyzers, secretWalkAnalyzer(SECRETS)]

/** The cache key analyzeResolvedImage(layerAnalysisOptions(limits)) looks up for this layer blob. */
export function registryLayerCacheKey(blobDigest: Digest, limits: ScanLimits): string {
  return layerCacheKey(blobDigest, WALK_ANALYZERS, limits)
}

/** Decompresses (sniffed) and walks one raw layer stream; `onTar` sees the tar stream first. The caller destroys `raw` to stop it. */
export async function analyzeRawLayer(raw: Readable, onTar: (tar: Readable) => Readable, diffId: Digest, signal: AbortSignal, limits: ScanLimits): Promise<LayerAnalysis> {
  // No signal here: addAbortSignal on an already aborted signal emits an error nobody listens to
  // yet. Aborting destroys `raw` (the tee's feed), which ends this pipeline with an error anyway.
  const tar = await openLayerStream(raw, { maxUncompressedBytes: limits.maxLayerBytes })
  return walkLayer(onTar(tar), { diffId, analyzers: WALK_ANALYZERS, limits, signal })
}
