/**
 * Plugs scan on push into the app with two touch points: a late-bound push observer handed to
 * the manifest service when the services are built (pushObserver), and registerScanning, which
 * creates the ScanService, the findings routes and the worker's lifecycle (started when the app
 * is ready, stopped when it closes). Without a `scanning` section in the config nothing runs.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { AuthService } from '../auth/auth-service.ts'
import type { RegistryConfig } from '../config/config.ts'
import type { BlobService } from '../distribution/blob-service.ts'
import type { ManifestService } from '../distribution/manifest-service.ts'
import { registerScanRoutes } from '../http/scans/scan-routes.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock } from '../ports.ts'
import { freeSpaceOf } from '../runtime/free-space.ts'
import { FsLayerCache } from '../../scanner/cache/fs-layer-cache.ts'
import { registryContent } from './registry-content.ts'
import { registryScanLimits } from './scan-analysis.ts'
import { DEFAULT_SCANNING, resolveScanOnPush } from './scanning-config.ts'
import type { RepositorySettingsService } from '../settings/settings-service.ts'
import { NO_ADVISORY_DB, ScanService } from './scan-service.ts'
import { visibleTo } from './registry-base-images.ts'
import type { ScanWorkerLog } from './scan-worker.ts'
import { UploadAnalyses } from './upload-analyses.ts'
import type { ScanMetrics } from '../metrics/registry-metrics.ts'

export type ManifestPushedFn = (repo: RepositoryName, digest: Digest) => Promise<void>

/** An observer that does nothing until registerScanning binds it. */
export interface PushObserver {
  readonly onManifestPushed: ManifestPushedFn
  bind(fn: ManifestPushedFn): void
}

export function pushObserver(): PushObserver {
  let target: ManifestPushedFn | undefined
  return {
    onManifestPushed: (repo, digest) => (target ? target(repo, digest) : Promise.resolve()),
    bind: (fn) => {
      target = fn
    },
  }
}

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }
/** The scanner version recorded with every result (the package version: scanner and registry ship together). */
export const SCANNER_VERSION = typeof pkg.version === 'string' ? pkg.version : '0.0.0'

export interface ScanningDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly services: { readonly manifests: ManifestService; readonly blobs: BlobService; readonly settings: RepositorySettingsService }
  readonly observer: PushObserver
  readonly auth: AuthService | undefined
  /** Layer analyses made during uploads (uploadAnalyses), awaited and shared by the scans. */
  readonly uploads?: UploadAnalyses
  /** Counts scan outcomes (docs/metrics.md). */
  readonly metrics?: ScanMetrics
}

/**
 * Scan while pushing: the analyses the upload service's tee feeds (tee-upload-service.ts), for
 * uploads into repositories that scan on push, stored in the scans' layer cache. Undefined
 * without a `scanning` section.
 */
export function uploadAnalyses(config: RegistryConfig, log: ScanWorkerLog): UploadAnalyses | undefined {
  const scanning = config.scanning
  if (!scanning) return undefined
  return new UploadAnalyses({
    cache: scanCache(config), limits: registryScanLimits(scanning), log, maxStallMs: scanning.teeMaxStallMs, wanted: (repo) => resolveScanOnPush(scanning, repo),
  })
}

/**
 * The scans' layer cache under the data dir: entries bounded in size, and written only while the
 * data dir keeps the uploads' free-space floor (limits.minFreeSpace) after the write.
 */
export function scanCache(config: RegistryConfig): FsLayerCache {
  const dataDir = resolve(config.storage.dataDir)
  return new FsLayerCache(join(dataDir, 'scan-cache'), {
    maxEntryBytes: (config.scanning ?? DEFAULT_SCANNING).maxCacheEntryBytes,
    minFreeBytes: config.limits.minFreeBytes,
    freeSpace: freeSpaceOf(dataDir),
  })
}

export function registerScanning(app: FastifyInstance, config: RegistryConfig, deps: ScanningDeps): ScanService | undefined {
  if (!config.scanning) return undefined
  const { scanOnPush, rules, advisoryDb } = config.scanning
  if (advisoryDb === undefined && (scanOnPush || Object.values(rules).some(Boolean))) {
    app.log.warn(`scan on push is on but ${NO_ADVISORY_DB}: pushed images are checked for secrets and misconfigurations only, their vulnerabilities are not checked (build a DB with 'drydock db' and set it)`)
  }
  const auth = deps.auth
  // Read at scan time: with auth `auto`, access control starts with the first user.
  const access = auth ? { get enabled() { return auth.enabled }, isPublic: (repo: string) => auth.repos.publicRepos.isPublic(repo) } : undefined
  const scanning = new ScanService({
    store: deps.store, config: config.scanning, dataDir: config.storage.dataDir, clock: deps.clock,
    baseImages: { store: deps.store, visible: visibleTo(access), maxCandidates: config.scanning.maxBaseCandidates },
    content: registryContent(deps.services), toolVersion: SCANNER_VERSION, scanOnPush: (repo) => deps.services.settings.scanOnPush(repo),
    cache: deps.uploads?.cache ?? scanCache(config), ...(deps.uploads ? { uploads: deps.uploads } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    log: { info: (o, m) => app.log.info(o, m), error: (o, m) => app.log.error(o, m) },
  })
  deps.observer.bind((repo, digest) => scanning.onManifestPushed(repo, digest))
  registerScanRoutes(app, { scanning, manifests: deps.services.manifests, auth: deps.auth })
  app.addHook('onReady', async () => scanning.start())
  // preClose: stop scans before the store is closed by the server's shutdown.
  app.addHook('preClose', async () => scanning.stop())
  return scanning
}
