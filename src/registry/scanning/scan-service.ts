/**
 * Scan on push, assembled: decides per repository whether a pushed manifest is scanned
 * (scanning-config.ts), queues it durably before the push is answered, and owns the worker that
 * runs the queue with the advisory DB and the layer cache under the data dir. The advisory DB is
 * opened on first use; without one configured, scans still store secrets and misconfigurations
 * and mark the vulnerability part unavailable, with the reason (run-scan.ts).
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { LayerCache } from '../../scanner/cache/layer-cache.ts'
import type { RegistryContentProvider } from '../../scanner/image/source.ts'
import type { AdvisoryProvider } from '../../scanner/vuln/db/advisory-provider.ts'
import type { ScanRecord } from '../metadata/scan-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock } from '../ports.ts'
import { preloadScanModules, runScan, unsupportedReason, type ScanRun } from './run-scan.ts'
import { resolveScanOnPush, type ScanningConfig } from './scanning-config.ts'
import { ScanWorker, type ScanWorkerLog } from './scan-worker.ts'
import type { UploadAnalyses } from './upload-analyses.ts'
import type { ScanMetrics } from '../metrics/registry-metrics.ts'
import { registryBaseImages, type BaseImageLookup } from './registry-base-images.ts'

export interface ScanServiceDeps {
  readonly store: MetadataStore
  readonly config: ScanningConfig
  readonly dataDir: string
  readonly clock: Clock
  readonly content: RegistryContentProvider
  readonly log: ScanWorkerLog
  readonly toolVersion: string
  /** The layer cache under the data dir (shared with the upload analyses). */
  readonly cache: LayerCache
  /** Analyses of uploads still finishing are awaited before a scan reads the cache. */
  readonly uploads?: UploadAnalyses
  /** Where the compliance checklist looks for an unrecorded base (registry-base-images.ts). */
  readonly baseImages?: BaseImageLookup
  /** Does `repo` scan on push? Its repository settings, else the config's rules (resolveScanOnPush when absent). */
  readonly scanOnPush?: (repo: RepositoryName) => Promise<boolean>
  /** Counts scan outcomes (docs/metrics.md); nothing when absent. */
  readonly metrics?: ScanMetrics
}

/** Why a scan has no vulnerability part when scanning.advisoryDb is unset (stored with the result). */
export const NO_ADVISORY_DB = 'no advisory database configured (scanning.advisoryDb / --advisory-db)'

/**
 * Why a scan asked for on request (ECR's StartImageScan) is not queued: the manifest is not an
 * image (`unsupported`), a scan of it is already waiting or running (`busy`), or it was scanned
 * by this scanner version after the advisory DB last changed, so a new scan could only give the
 * same answer (`unchanged`).
 */
export interface ScanRefusal {
  readonly kind: 'unsupported' | 'busy' | 'unchanged'
  readonly reason: string
}

/** Most manifests one repository rescan queues. */
const MAX_RESCAN = 10_000

export class ScanService {
  readonly #d: ScanServiceDeps
  readonly #worker: ScanWorker
  #advisories: AdvisoryProvider & { close(): void } | undefined
  readonly #finished = new Set<(repo: RepositoryName, digest: Digest) => void>()

  constructor(deps: ScanServiceDeps) {
    this.#d = deps
    this.#worker = new ScanWorker({
      store: deps.store, config: deps.config, clock: deps.clock, log: deps.log, scan: (r, d, s) => this.#scan(r, d, s),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      onFinished: (repo, digest) => {
        for (const l of this.#finished) l(repo, digest)
      },
    })
  }

  /** Told when a scan's outcome (complete, failed, unsupported) is stored; returns the unsubscribe. */
  onScanFinished(listener: (repo: RepositoryName, digest: Digest) => void): () => void {
    this.#finished.add(listener)
    return () => this.#finished.delete(listener)
  }

  get config(): ScanningConfig {
    return this.#d.config
  }

  start(): void {
    this.#worker.start()
    // Only where pushes are scanned: then, in the background, the first scan (and the first upload
    // analysis) finds the scanner loaded. A registry that never scans on push does not pay for it
    // in start-up time or memory; a manual scan loads it on demand.
    const c = this.#d.config
    if (c.scanOnPush || Object.values(c.rules).some(Boolean)) setImmediate(() => void preloadScanModules())
  }

  async stop(): Promise<void> {
    await this.#worker.stop()
    this.#advisories?.close()
    this.#advisories = undefined
  }

  /** The push observer: queues the scan when the repository scans on push. Never fails the push. */
  async onManifestPushed(repo: RepositoryName, digest: Digest): Promise<void> {
    try {
      const wanted = this.#d.scanOnPush ? await this.#d.scanOnPush(repo) : resolveScanOnPush(this.#d.config, repo)
      if (!wanted) return
      await this.request(repo, digest)
    } catch (err) {
      this.#d.log.error({ err, repo, digest }, 'could not queue scan on push')
    }
  }

  /** Queues (or re-queues) a scan by hand. */
  async request(repo: RepositoryName, digest: Digest): Promise<void> {
    await this.#d.store.scans.enqueue(repo, digest, this.#d.clock.now())
    this.#worker.wake()
  }

  /**
   * Queues a scan unless it would be refused (ScanRefusal): the rule of ECR's StartImageScan,
   * whose quota stops re-scans that cannot tell anything new. A scan that FAILED may always be
   * asked again; `request` (the findings API's rescan) queues without these checks.
   */
  async requestIfUseful(repo: RepositoryName, digest: Digest): Promise<ScanRefusal | undefined> {
    const manifest = await this.#d.content.getManifest(repo, digest)
    const unsupported = manifest === undefined ? undefined : unsupportedReason(manifest.bytes, manifest.mediaType)
    if (unsupported !== undefined) return { kind: 'unsupported', reason: unsupported }
    const current = await this.status(repo, digest)
    if (current?.status === 'PENDING' || current?.status === 'IN_PROGRESS') return { kind: 'busy', reason: `a scan of ${digest} is already ${current.status === 'PENDING' ? 'queued' : 'running'}` }
    if (current?.status === 'COMPLETE' && current.completedAt !== undefined && current.scannerVersion === this.#d.toolVersion
      && !(await this.#advisoriesChangedSince(current.completedAt))) {
      return { kind: 'unchanged', reason: `${digest} was scanned at ${current.completedAt.toISOString()} and neither the scanner nor the advisory database changed since` }
    }
    await this.request(repo, digest)
    return undefined
  }

  /** Was the advisory DB file replaced or written after `at` (or configured, where it was not)? */
  async #advisoriesChangedSince(at: Date): Promise<boolean> {
    const file = this.#d.config.advisoryDb
    if (file === undefined) return false
    try {
      return (await stat(resolve(file))).mtime > at
    } catch {
      // A DB that cannot be read now: let the scan run and report why.
      return true
    }
  }

  /** Re-queues every manifest of the repository; returns how many. */
  async rescanRepository(repo: RepositoryName): Promise<number> {
    const digests = await this.#d.store.scans.manifestsOf(repo, MAX_RESCAN)
    for (const d of digests) await this.#d.store.scans.enqueue(repo, d, this.#d.clock.now())
    this.#worker.wake()
    return digests.length
  }

  status(repo: RepositoryName, digest: Digest): Promise<ScanRecord | undefined> {
    return this.#d.store.scans.get(repo, digest)
  }

  async #scan(repo: string, digest: string, signal: AbortSignal): Promise<ScanRun> {
    const file = this.#d.config.advisoryDb
    if (file !== undefined && !this.#advisories) {
      const { SqliteAdvisoryProvider } = await import('../../scanner/vuln/db/sqlite-provider.ts')
      this.#advisories = new SqliteAdvisoryProvider(resolve(file))
    }
    const { cache, log, uploads, baseImages } = this.#d
    // Layers analysed here (not during their upload) are logged, so the tee's effect is visible.
    const counted: LayerCache = {
      get: (key) => cache.get(key),
      put: async (key, value) => {
        await cache.put(key, value)
        log.info({ repo, digest, diffId: value.diffId, source: 'storage' }, 'layer analysed')
      },
    }
    const { registryScanLimits } = await import('./scan-analysis.ts')
    return runScan({
      content: this.#d.content, advisories: this.#advisories ?? { unavailable: NO_ADVISORY_DB }, cache: counted, limits: registryScanLimits(this.#d.config),
      toolName: 'drydock', toolVersion: this.#d.toolVersion, now: () => this.#d.clock.now(),
      ...(uploads ? { beforeAnalysis: (layers: readonly string[]) => uploads.settled(layers) } : {}),
      ...(baseImages ? { baseImages: (r: string, layers: readonly Digest[], diffIds: readonly Digest[]) => registryBaseImages(baseImages, r, layers, diffIds) } : {}),
    }, repo, digest, signal)
  }
}
