/**
 * The in-walk alternative to scan-image-secrets.ts: when the secret analyzer runs inside the
 * pipeline's single layer walk (createSecretAnalyzer in the analyzer list), its findings are in
 * each LayerAnalysis's results. They are collected here from every layer, live files or not,
 * because a secret in a file deleted later is still in the image.
 * The walker keeps results that carry only `secrets` (AnalysisResult.secrets); the pipeline
 * calls this with its per-layer analyses (pipeline/secret-pass.ts).
 */
import type { LayerFileIndex } from '../../image/apply-layers.ts'
import type { LayerAnalysis } from '../../image/layer-analysis.ts'
import { annotateLayerState } from './scan-image-secrets.ts'
import type { SecretFinding } from './secret-finding.ts'

export function secretsFromLayerResults(layers: readonly LayerAnalysis[], layerFiles: readonly LayerFileIndex[]): SecretFinding[] {
  const found: SecretFinding[] = []
  for (const layer of layers) {
    for (const r of layer.results) {
      // One by one: a spread of a long list would overflow the call stack.
      if (r.analyzer === 'secret') for (const f of r.result.secrets ?? []) found.push(f)
    }
  }
  return annotateLayerState(found, layerFiles)
}
