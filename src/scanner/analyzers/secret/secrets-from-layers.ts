/**
 * The in-walk alternative to scan-image-secrets.ts: when the secret analyzer runs inside the
 * pipeline's single layer walk (createSecretAnalyzer in the analyzer list), its findings are in
 * each LayerAnalysis's results. They are collected here from every layer, live files or not,
 * because a secret in a file deleted later is still in the image.
 *
 * This needs the walker to keep results that carry only `secrets` (today it drops results
 * without os/packages/unknowns) and the pipeline to hand out the per-layer analyses.
 */
import type { LayerFileIndex } from '../../image/apply-layers.ts'
import type { LayerAnalysis } from '../../image/layer-analysis.ts'
import { annotateLayerState } from './scan-image-secrets.ts'
import type { SecretFinding } from './secret-finding.ts'

function secretsOf(result: unknown): readonly SecretFinding[] {
  const s = (result as { secrets?: unknown }).secrets
  return Array.isArray(s) ? (s as SecretFinding[]) : []
}

export function secretsFromLayerResults(layers: readonly LayerAnalysis[], layerFiles: readonly LayerFileIndex[]): SecretFinding[] {
  const found: SecretFinding[] = []
  for (const layer of layers) {
    for (const r of layer.results) if (r.analyzer === 'secret') found.push(...secretsOf(r.result))
  }
  return annotateLayerState(found, layerFiles)
}
