/**
 * analyzeImage: the core of `drydock sbom` and `drydock scan`. Resolves the image, then for every
 * layer either takes the cached analysis (keyed by blob digest + analyzers + limits, checked
 * against the config's diff_id) or streams the blob through decompression and the walker, a few
 * layers at a time, and finally merges the layers with the applier. Nothing is extracted to disk
 * and no layer is held in memory.
 *
 * With `secrets` set, the secret analyzer runs in the same walk (one pass over the blobs) and the
 * inventory carries the image's secret findings (see secret-pass.ts).
 */
import type { Descriptor, Platform } from '../../oci/descriptor.ts'
import type { Digest } from '../../oci/digest.ts'
import { layerCompression } from '../../oci/media-types.ts'
import type { Analyzer } from '../analyzers/analyzer.ts'
import type { SecretScanOptions } from '../analyzers/secret/secret-analyzer.ts'
import type { SecretFinding } from '../analyzers/secret/secret-finding.ts'
import { layerCacheKey, type LayerCache } from '../cache/layer-cache.ts'
import { applyLayers, type LayerFileIndex } from '../image/apply-layers.ts'
import { ImageError } from '../image/image-errors.ts'
import type { LayerAnalysis } from '../image/layer-analysis.ts'
import { openLayerStream } from '../image/layer-stream.ts'
import { walkLayer } from '../image/layer-walker.ts'
import { withDefaultLimits, type ScanLimits } from '../image/scan-limits.ts'
import type { ImageConfig, ImageSource, PlatformSpec, ResolvedImage } from '../image/source.ts'
import type { OsInfo, PackageRecord, Unknown } from '../model/package.ts'
import { mapBounded } from './map-bounded.ts'
import { collectImageSecrets, secretWalkAnalyzer } from './secret-pass.ts'

export interface AnalyzeProgress {
  /** Compressed bytes read so far (cached layers count as read). */
  readonly bytesRead: number
  /** Sum of the compressed layer sizes. */
  readonly totalBytes: number
  readonly layersDone: number
  readonly layersTotal: number
}

export interface AnalyzeOptions {
  readonly analyzers: readonly Analyzer[]
  /** `os/arch[/variant]`; default the host's. ('all' is for analyzeAllPlatforms.) */
  readonly platform?: PlatformSpec
  readonly limits?: Partial<ScanLimits>
  readonly cache?: LayerCache
  readonly signal?: AbortSignal
  readonly onProgress?: (p: AnalyzeProgress) => void
  /** Layers analysed at the same time (default 2). */
  readonly concurrency?: number
  /**
   * Scan every file of every layer (and the config) for secrets in the same walk; the result is
   * ImageInventory.secrets. The secret analyzer joins the layer cache key only when this is set.
   */
  readonly secrets?: SecretScanOptions
}

export interface InventoryLayer {
  readonly digest: Digest
  readonly diffId: Digest
  readonly size: number
  readonly mediaType: string
}

export interface ImageInventory {
  readonly image: {
    readonly reference: string
    readonly manifestDigest: Digest
    readonly configDigest: Digest
    readonly platform?: Platform
    readonly config: ImageConfig
    readonly layers: readonly InventoryLayer[]
    /** The image manifest's annotations (org.opencontainers.image.base.name ...), when it has any. */
    readonly annotations?: Readonly<Record<string, string>>
  }
  readonly os?: OsInfo
  readonly packages: readonly PackageRecord[]
  readonly unknowns: readonly Unknown[]
  readonly layerFiles: readonly LayerFileIndex[]
  /**
   * Only when AnalyzeOptions.secrets was set: every secret in the image, redacted, from files of
   * every layer (deleted or replaced ones included, marked so) and from the config and history.
   */
  readonly secrets?: readonly SecretFinding[]
  /**
   * Findings left out because a bound was hit (ScanLimits.maxFindingsPerLayer / PerImage), with
   * why; absent when nothing was left out. The report carries it as `truncated`.
   */
  readonly omitted?: OmittedFindings
}

export interface OmittedFindings {
  readonly count: number
  readonly reasons: readonly string[]
}

export async function analyzeImage(source: ImageSource, opts: AnalyzeOptions): Promise<ImageInventory> {
  if (opts.platform === 'all') throw new ImageError('SOURCE_INVALID', "platform 'all' yields several images: use analyzeAllPlatforms")
  const images = await source.resolve({ ...(opts.platform ? { platform: opts.platform } : {}), ...(opts.signal ? { signal: opts.signal } : {}) })
  const [image] = images
  if (!image) throw new ImageError('IMAGE_NOT_FOUND', `${source.reference} resolved to no image`)
  return await analyzeResolvedImage(source, image, opts)
}

/** Every image of an index (platform 'all'), one inventory each, in index order. */
export async function analyzeAllPlatforms(source: ImageSource, opts: Omit<AnalyzeOptions, 'platform'>): Promise<ImageInventory[]> {
  const images = await source.resolve({ platform: 'all', ...(opts.signal ? { signal: opts.signal } : {}) })
  const out: ImageInventory[] = []
  for (const image of images) out.push(await analyzeResolvedImage(source, image, opts))
  return out
}

/**
 * Throws unless a cache entry (keyed by the blob digest, see layer-cache.ts) may stand in for
 * walking the blob. Its diffId was computed from the blob's content when it was stored: a config that
 * lists another diff_id describes a different layer, and the image is refused (DIGEST_MISMATCH),
 * as the walk would refuse it. A source that serves several tenants confirms the blob is still
 * in the scanned image's repository, so a cached result is never read for a blob it lacks.
 */
async function checkCacheEntry(source: ImageSource, descriptor: Descriptor, cached: LayerAnalysis, diffId: Digest, signal: AbortSignal): Promise<void> {
  if (cached.diffId !== diffId) {
    throw new ImageError('DIGEST_MISMATCH', `layer ${descriptor.digest} has diff_id ${cached.diffId}, but the image config lists diff_id ${diffId}`, {
      detail: { digest: descriptor.digest, expected: diffId, actual: cached.diffId },
    })
  }
  if (source.hasBlob && !(await source.hasBlob(descriptor, { signal }))) {
    throw new ImageError('IMAGE_NOT_FOUND', `blob ${descriptor.digest} is not in ${source.reference}`)
  }
}

export async function analyzeResolvedImage(source: ImageSource, resolved: ResolvedImage, opts: AnalyzeOptions): Promise<ImageInventory> {
  const limits = withDefaultLimits(opts.limits)
  // One failing layer stops the others (their blob streams are destroyed through the signal).
  const stop = new AbortController()
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal
  const config = await source.readConfig(resolved.manifest, { signal })
  const { layers: descriptors } = resolved.manifest
  const diffIds = config.rootfs.diff_ids
  if (diffIds.length !== descriptors.length) {
    throw new ImageError('SOURCE_INVALID', `manifest has ${descriptors.length} layers but the config lists ${diffIds.length} diff_ids`)
  }
  const layers: InventoryLayer[] = descriptors.map((d, i) => ({ digest: d.digest, diffId: diffIds[i] as Digest, size: d.size, mediaType: d.mediaType }))
  for (const l of layers) {
    if (layerCompression(l.mediaType) === undefined) throw new ImageError('UNSUPPORTED_MEDIA_TYPE', `layer ${l.digest} has media type ${l.mediaType}, not a layer we can read`)
  }
  const progress = { bytesRead: 0, totalBytes: layers.reduce((n, l) => n + l.size, 0), layersDone: 0, layersTotal: layers.length }
  const report = (): void => opts.onProgress?.({ ...progress })
  const analyzers = opts.secrets ? [...opts.analyzers, secretWalkAnalyzer(opts.secrets)] : opts.analyzers

  const analyses = await mapBounded(layers, opts.concurrency ?? 2, async (layer, i): Promise<LayerAnalysis> => {
    const descriptor = descriptors[i] as Descriptor
    const key = opts.cache ? layerCacheKey(layer.digest, analyzers, limits) : undefined
    const cached = key ? await opts.cache?.get(key) : undefined
    if (cached) {
      await checkCacheEntry(source, descriptor, cached, layer.diffId, signal)
      progress.bytesRead += layer.size
      progress.layersDone++
      report()
      return cached
    }
    const raw = source.openBlob(descriptor, { signal })
    const tar = await openLayerStream(raw, {
      maxUncompressedBytes: limits.maxLayerBytes,
      expectedDiffId: layer.diffId,
      onRawBytes: (n) => {
        progress.bytesRead += n
        report()
      },
      signal,
    })
    const analysis = await walkLayer(tar, { diffId: layer.diffId, analyzers, limits, signal })
    progress.layersDone++
    report()
    if (key) await opts.cache?.put(key, analysis)
    return analysis
  }).catch((err: unknown) => {
    stop.abort()
    throw err
  })
  const applied = applyLayers(analyses.map((analysis, i) => ({ analysis, digest: layers[i]!.digest })), analyzers.map((a) => a.name))
  const secrets = opts.secrets ? collectImageSecrets(analyses, applied.layerFiles, config, opts.secrets, limits.maxFindingsPerImage) : undefined
  const omitted = secrets && secrets.omitted > 0 ? omittedFindings(analyses, layers, secrets.omitted, limits) : undefined
  return {
    image: {
      reference: source.reference,
      manifestDigest: resolved.manifestDigest,
      configDigest: resolved.manifest.config.digest,
      ...(resolved.platform ? { platform: resolved.platform } : {}),
      config,
      layers,
      ...(resolved.manifest.annotations ? { annotations: resolved.manifest.annotations } : {}),
    },
    ...(applied.os ? { os: applied.os } : {}),
    packages: applied.packages,
    unknowns: applied.unknowns,
    layerFiles: applied.layerFiles,
    ...(secrets ? { secrets: secrets.secrets } : {}),
    ...(omitted ? { omitted } : {}),
  }
}

const MAX_REASON_LINES = 10

function omittedFindings(analyses: readonly LayerAnalysis[], layers: readonly InventoryLayer[], count: number, limits: ScanLimits): OmittedFindings {
  const reasons: string[] = []
  const capped = analyses.flatMap((a, i) => (a.omittedFindings ? [`layer ${layers[i]?.digest ?? i}: ${a.omittedFindings} secret finding(s) past maxFindingsPerLayer (${limits.maxFindingsPerLayer})`] : []))
  // Bounded too: one line per layer for the first few, then how many more.
  for (const r of capped.slice(0, MAX_REASON_LINES)) reasons.push(r)
  if (capped.length > MAX_REASON_LINES) reasons.push(`${capped.length - MAX_REASON_LINES} more layer(s) past maxFindingsPerLayer`)
  const pastImage = count - analyses.reduce((n, a) => n + (a.omittedFindings ?? 0), 0)
  if (pastImage > 0) reasons.push(`${pastImage} secret finding(s) past maxFindingsPerImage (${limits.maxFindingsPerImage})`)
  return { count, reasons }
}
