/**
 * One scan of one manifest in the registry's own storage: every image it names (each platform
 * of an index) is analysed in one pass through the layer cache (package analyzers and the secret
 * analyzer in the same walk; layers analysed while they were uploaded are cache hits, see
 * upload-tee.ts), then scanImage runs every scanner (vuln, secret, misconfig), so the stored
 * report is the one `drydock scan` prints, ungated. Without advisory data (no DB configured) the
 * vuln scanner is marked unavailable with the reason and the others still run: the result is
 * COMPLETE for secrets and misconfigurations, and says vulnerabilities were not checked
 * (ScanReport.unavailable, and the run's description). The outcome is classified for the queue:
 *  - UNSUPPORTED_IMAGE: not an image (an artifact, an unknown layer media type);
 *  - FAILED (permanent): the content is broken (corrupt layer, bad tar, limits), retrying can't help;
 *  - anything else throws and the worker retries it with backoff (I/O errors, a busy DB).
 */
import type { Digest } from '../../oci/digest.ts'
import { parseManifest } from '../../oci/manifest.ts'
import { layerCompression, MediaType } from '../../oci/media-types.ts'
import { isImageError } from '../../scanner/image/image-errors.ts'
import type { RegistryContentProvider } from '../../scanner/image/source.ts'
import type { LayerCache } from '../../scanner/cache/layer-cache.ts'
import type { ScanLimits } from '../../scanner/image/scan-limits.ts'
import type { AdvisoryProvider } from '../../scanner/vuln/db/advisory-provider.ts'
import type { BaseImageCatalog } from '../../scanner/compliance/base-image-catalog.ts'
import { SCAN_RESULT_KIND, SCAN_RESULT_SCHEMA, type ScanResultDocument, type ScannedImage } from './scan-result.ts'

export interface ScanContext {
  readonly content: RegistryContentProvider
  /** The advisory data, or why there is none (the vuln scanner is then unavailable). */
  readonly advisories: AdvisoryProvider | { readonly unavailable: string }
  readonly cache: LayerCache
  /** registryScanLimits(config): the upload analyses use the same, so their cache keys agree. */
  readonly limits: ScanLimits
  readonly toolName: string
  readonly toolVersion: string
  readonly now: () => Date
  /**
   * Stored images that may be the base of an image of `repo` (its layer blob digests and diff_ids),
   * for the compliance checklist stored with the report (registry-base-images.ts).
   */
  readonly baseImages?: (repo: string, layers: readonly Digest[], diffIds: readonly Digest[]) => Promise<BaseImageCatalog>
  /** Waits for analyses of these layer blobs that are still running (made during their upload). */
  readonly beforeAnalysis?: (layerDigests: readonly string[]) => Promise<void>
}

export type ScanRun =
  | { readonly status: 'COMPLETE'; readonly result: ScanResultDocument; readonly description?: string }
  | { readonly status: 'FAILED' | 'UNSUPPORTED_IMAGE'; readonly description: string }

/** Every scanner: the stored report is complete, readers pick what they want (--scanners). */
const STORED_SCANNERS = ['vuln', 'secret', 'misconfig'] as const
/** What runs without advisory data. */
const WITHOUT_ADVISORIES = ['secret', 'misconfig'] as const

/** The description of a COMPLETE scan whose vulnerability part could not run. */
export function vulnerabilitiesUnavailable(reason: string): string {
  return `vulnerabilities not checked: ${reason}; secrets and misconfigurations were scanned`
}

const UNSUPPORTED = new Set(['UNSUPPORTED_MEDIA_TYPE'])
const PERMANENT = new Set(['DIGEST_MISMATCH', 'LAYER_CORRUPT', 'TAR_INVALID', 'TAR_TRUNCATED', 'LIMIT_EXCEEDED', 'IMAGE_NOT_FOUND', 'PLATFORM_NOT_FOUND', 'SOURCE_INVALID'])

const IMAGE_CONFIGS = new Set<string>([MediaType.ociConfig, MediaType.dockerConfig])

/**
 * Why a manifest is not a scannable image, or undefined when it is one (or an index, whose
 * children are checked as they are resolved). ECR reports such artifacts as UNSUPPORTED_IMAGE.
 */
export function unsupportedReason(bytes: Uint8Array, mediaType: string | undefined): string | undefined {
  let m
  try {
    m = parseManifest(bytes, mediaType)
  } catch (err) {
    return `not a valid image manifest: ${(err as Error).message}`
  }
  if (m.kind === 'index') return undefined
  if (!IMAGE_CONFIGS.has(m.config.mediaType)) return `not a container image: config media type ${m.config.mediaType}${m.artifactType ? ` (artifact ${m.artifactType})` : ''}`
  const odd = m.layers.find((l) => layerCompression(l.mediaType) === undefined)
  if (odd) return `unsupported layer media type ${odd.mediaType}`
  return undefined
}

function platformOf(p: { os: string; architecture: string; variant?: string } | undefined): string | undefined {
  return p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : undefined
}

/**
 * Loads the scanner modules a scan needs (analysis, matching, reports) ahead of the first scan,
 * so the first manifest's scan does not pay for them. Failures surface in the scan itself.
 */
export async function preloadScanModules(): Promise<void> {
  await Promise.allSettled([
    import('../../scanner/image/registry-storage/registry-storage-store.ts'),
    import('../../scanner/pipeline/analyze-image.ts'),
    import('./scan-analysis.ts'),
    import('../../scanner/scan/scan-image.ts'),
    import('../../scanner/vuln/matchers/builtin-matchers.ts'),
    import('../../scanner/vuln/db/sqlite-provider.ts'),
  ])
}

export async function runScan(ctx: ScanContext, repo: string, digest: string, signal: AbortSignal): Promise<ScanRun> {
  const { openRegistryStorage } = await import('../../scanner/image/registry-storage/registry-storage-store.ts')
  const { analyzeResolvedImage } = await import('../../scanner/pipeline/analyze-image.ts')
  const { layerAnalysisOptions } = await import('./scan-analysis.ts')
  const { scanImage } = await import('../../scanner/scan/scan-image.ts')
  const root = await ctx.content.getManifest(repo, digest, { signal })
  if (!root) return { status: 'FAILED', description: `manifest ${digest} is no longer in ${repo}` }
  const rootReason = unsupportedReason(root.bytes, root.mediaType)
  if (rootReason) return { status: 'UNSUPPORTED_IMAGE', description: rootReason }
  const source = openRegistryStorage(ctx.content, repo, digest)
  const provider = 'unavailable' in ctx.advisories ? undefined : ctx.advisories
  const unavailable = 'unavailable' in ctx.advisories ? [{ scanner: 'vuln' as const, reason: ctx.advisories.unavailable }] : []
  try {
    const images: ScannedImage[] = []
    for (const resolved of await source.resolve({ platform: 'all', signal })) {
      const child = resolved.manifestDigest === digest ? undefined : await ctx.content.getManifest(repo, resolved.manifestDigest, { signal })
      const childReason = child && unsupportedReason(child.bytes, child.mediaType)
      if (childReason) return { status: 'UNSUPPORTED_IMAGE', description: `${resolved.manifestDigest}: ${childReason}` }
      // The options must stay those of layerAnalysisOptions (scan-analysis.ts): the tee stores
      // its results under the same cache key.
      await ctx.beforeAnalysis?.(resolved.manifest.layers.map((l) => l.digest))
      const inventory = await analyzeResolvedImage(source, resolved, { ...layerAnalysisOptions(ctx.limits), cache: ctx.cache, signal })
      const baseImages = await ctx.baseImages?.(repo, resolved.manifest.layers.map((l) => l.digest), inventory.image.config.rootfs.diff_ids)
      const { report } = await scanImage({
        inventory: async () => inventory,
        ...(provider ? { provider } : {}),
        scanners: provider ? STORED_SCANNERS : WITHOUT_ADVISORIES,
        unavailable,
        source,
        signal,
        compliance: baseImages ? { baseImages } : {},
        maxFindings: ctx.limits.maxFindingsPerImage,
        policy: {},
        meta: { toolName: ctx.toolName, toolVersion: ctx.toolVersion, now: ctx.now() },
      })
      const platform = platformOf(resolved.platform)
      images.push({ ...(platform ? { platform } : {}), manifestDigest: resolved.manifestDigest, report })
    }
    return {
      status: 'COMPLETE',
      result: {
        kind: SCAN_RESULT_KIND, schemaVersion: SCAN_RESULT_SCHEMA, digest, scannerVersion: ctx.toolVersion,
        advisoryVersion: provider ? (provider.updatedAt ?? 'unknown') : 'none', images,
      },
      ...(unavailable[0] ? { description: vulnerabilitiesUnavailable(unavailable[0].reason) } : {}),
    }
  } catch (err) {
    if (isImageError(err) && UNSUPPORTED.has(err.code)) return { status: 'UNSUPPORTED_IMAGE', description: err.message }
    if (isImageError(err) && PERMANENT.has(err.code)) return { status: 'FAILED', description: `${err.code}: ${err.message}` }
    throw err
  } finally {
    await source.close()
  }
}
