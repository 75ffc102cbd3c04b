/**
 * The secret scan inside the pipeline's single layer walk. The walker runs the secret analyzer
 * next to the package analyzers; its per-file results (redacted findings, never raw secrets) are
 * cached with the layer, so the analyzer that runs in the walk must not depend on per-user
 * settings that are not in the cache key. It therefore always uses the built-in rules and no
 * allowlist; `--secret-config` (allowlist, disabled rules) is applied afterwards, to the
 * collected findings. `maxFileBytes` changes the analyzer's maxFileSize, which is in the key.
 */
import type { Analyzer } from '../analyzers/analyzer.ts'
import { scanConfigSecrets } from '../analyzers/secret/scan-config-secrets.ts'
import { compileAllowlist } from '../analyzers/secret/secret-allowlist.ts'
import { createSecretAnalyzer, type SecretScanOptions } from '../analyzers/secret/secret-analyzer.ts'
import type { SecretFinding } from '../analyzers/secret/secret-finding.ts'
import { secretsFromLayerResults } from '../analyzers/secret/secrets-from-layers.ts'
import type { LayerFileIndex } from '../image/apply-layers.ts'
import type { LayerAnalysis } from '../image/layer-analysis.ts'
import type { ImageConfig } from '../image/source.ts'

export const SECRET_ANALYZER_NAME = 'secret'

/** The analyzer the walker runs; identical for every config with the same maxFileBytes. */
export function secretWalkAnalyzer(opts: SecretScanOptions): Analyzer {
  return createSecretAnalyzer(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {})
}

/** Drops findings of disabled rules and allowlisted paths, rules and fingerprints. */
export function applySecretConfig(found: readonly SecretFinding[], opts: SecretScanOptions): SecretFinding[] {
  const enabled = opts.rules ? new Set(opts.rules.map((r) => r.id)) : undefined
  const allow = compileAllowlist(opts.allowlist)
  return found.filter((f) => {
    if (enabled && !enabled.has(f.id)) return false
    const path = f.location.kind === 'file' ? f.location.path : undefined
    return !allow.allows(f.id, path, f.fingerprint)
  })
}

export interface ImageSecrets {
  readonly secrets: SecretFinding[]
  /** Secrets found but not kept: past a layer's bound (counted by the walker) or the image's. */
  readonly omitted: number
}

/**
 * Every secret of the image: files of every layer (live, deleted or replaced later, annotated
 * by the applier's layerFiles) and the config and history strings, at most `maxFindings`
 * (config secrets first, then layer by layer); the rest are counted in `omitted`.
 */
export function collectImageSecrets(analyses: readonly LayerAnalysis[], layerFiles: readonly LayerFileIndex[], config: ImageConfig, opts: SecretScanOptions, maxFindings: number): ImageSecrets {
  // Config strings are scanned with the configured rules directly: nothing here is cached.
  const inConfig = applySecretConfig(scanConfigSecrets(config, { ...(opts.rules ? { rules: opts.rules } : {}) }), opts)
  const inLayers = applySecretConfig(secretsFromLayerResults(analyses, layerFiles), opts)
  const secrets = inConfig.slice(0, maxFindings)
  for (const f of inLayers) {
    if (secrets.length >= maxFindings) break
    secrets.push(f)
  }
  const layerOmitted = analyses.reduce((n, a) => n + (a.omittedFindings ?? 0), 0)
  return { secrets, omitted: layerOmitted + inConfig.length + inLayers.length - secrets.length }
}
