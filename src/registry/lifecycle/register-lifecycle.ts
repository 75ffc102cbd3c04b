/**
 * Lifecycle policies in the app (docs/lifecycle.md): the preview, on-demand and scheduled runs,
 * the restore window, and their API. buildApp calls registerLifecycle; tests that need the test
 * seams build the same services with lifecycleServices.
 */
import type { FastifyInstance } from 'fastify'
import type { AuthService } from '../auth/auth-service.ts'
import { DEFAULT_LIFECYCLE, type RegistryConfig } from '../config/config.ts'
import type { ManifestService } from '../distribution/manifest-service.ts'
import { registerLifecycleApi } from '../http/api/lifecycle-api.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { LifecycleMetrics } from '../metrics/registry-metrics.ts'
import type { Clock } from '../ports.ts'
import type { RepositorySettingsService } from '../settings/settings-service.ts'
import { ExpiredImages } from './expired-images.ts'
import { LifecycleExpiry, type LifecycleExpiryDeps, type LifecycleLog } from './lifecycle-expiry.ts'
import { LifecyclePreviewService } from './lifecycle-preview.ts'
import { runLifecyclePass, scheduleLifecycle } from './lifecycle-scheduler.ts'
import { LifecyclePreviewRuns } from './preview-runs.ts'

export interface LifecycleWiring {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly settings: RepositorySettingsService
  readonly manifests: ManifestService
  readonly log?: LifecycleLog
  readonly hooks?: LifecycleExpiryDeps['hooks']
  /** Where image.expired is published (events/domain-event.ts). */
  readonly events?: LifecycleExpiryDeps['events']
  /** Counts expired and restored images (docs/metrics.md). */
  readonly metrics?: LifecycleMetrics
}

export interface LifecycleServices {
  readonly preview: LifecyclePreviewService
  readonly expiry: LifecycleExpiry
  readonly expired: ExpiredImages
  /** Previews started, then read (ECR's asynchronous preview), kept in the store. */
  readonly previewRuns: LifecyclePreviewRuns
}

export function lifecycleServices(config: RegistryConfig, w: LifecycleWiring): LifecycleServices {
  const restoreWindowMs = (config.lifecycle ?? DEFAULT_LIFECYCLE).restoreWindowMs
  const preview = new LifecyclePreviewService({
    settings: w.settings, clock: w.clock,
    images: { store: w.store, content: (record) => w.manifests.content(record), jsonLimits: { maxDepth: config.limits.maxJsonDepth, maxValues: config.limits.maxJsonValues } },
  })
  const observers = { ...(w.log === undefined ? {} : { log: w.log }), ...(w.metrics === undefined ? {} : { metrics: w.metrics }) }
  return {
    preview,
    expiry: new LifecycleExpiry({ store: w.store, preview, clock: w.clock, restoreWindowMs, ...observers, ...(w.hooks === undefined ? {} : { hooks: w.hooks }), ...(w.events === undefined ? {} : { events: w.events }) }),
    previewRuns: new LifecyclePreviewRuns({ store: w.store, preview, clock: w.clock }),
    expired: new ExpiredImages({ store: w.store, clock: w.clock, restoreWindowMs, tagPolicy: w.settings, ...observers }),
  }
}

/** The lifecycle API, and the schedule when `jobs` is on and `lifecycle.enabled`. */
export function registerLifecycle(app: FastifyInstance, config: RegistryConfig, w: LifecycleWiring & { readonly auth: AuthService | undefined; readonly jobs: boolean }): LifecycleServices {
  const services = lifecycleServices(config, w)
  registerLifecycleApi(app, { ...services, auth: w.auth })
  const settings = config.lifecycle ?? DEFAULT_LIFECYCLE
  if (w.jobs && settings.enabled) {
    let schedule: { stop(): void } | undefined
    const log = w.log ?? { info: (o: object, m: string) => app.log.info(o, m), error: (o: object, m: string) => app.log.error(o, m) }
    app.addHook('onReady', async () => {
      schedule = scheduleLifecycle(() => runLifecyclePass(w.store, services.expiry, services.expired, log), settings.intervalMs, log)
    })
    app.addHook('onClose', async () => schedule?.stop())
  }
  return services
}
