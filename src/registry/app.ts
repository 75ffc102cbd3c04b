/**
 * buildApp(config, deps): the registry as a Fastify instance. It never listens: server.ts does
 * that for `drydock serve`, tests call inject() or listen on port 0. Storage and metadata are
 * passed in (openDefaultDeps builds the embedded defaults), so tests can use memory parts.
 */
import { readFileSync } from 'node:fs'
import Fastify, { type FastifyInstance } from 'fastify'
import type { RegistryConfig } from './config/config.ts'
import { BlobService } from './distribution/blob-service.ts'
import { ManifestService } from './distribution/manifest-service.ts'
import { ReferrersService } from './distribution/referrers-service.ts'
import { TagService } from './distribution/tag-service.ts'
import { UploadService } from './distribution/upload-service.ts'
import { registerAuth } from './http/auth/register-auth.ts'
import { installBodyDeadlines } from './http/body-deadlines.ts'
import { installErrorHandler, sendError } from './http/error-handler.ts'
import { registerHealthRoutes } from './http/health.ts'
import { registerOciRoutes } from './http/oci/oci-routes.ts'
import { installSecurityHeaders } from './http/security-headers.ts'
import type { MetadataStore } from './metadata/store.ts'
import { systemClock, uuidGenerator, type Clock, type IdGenerator } from './ports.ts'
import type { StorageDriver } from './storage/driver.ts'
import { pushObserver, registerScanning, uploadAnalyses } from './scanning/register-scanning.ts'
import { TeeUploadService } from './scanning/tee-upload-service.ts'
import { freeSpaceOf } from './runtime/free-space.ts'
import { registerTrust } from './trust/register-trust.ts'
import type { UploadAnalyses } from './scanning/upload-analyses.ts'
import { DEFAULT_GC, DEFAULT_PULLS } from './config/config.ts'
import { PullRecorder } from './distribution/pull-recorder.ts'
import { BlobPins } from './gc/blob-pins.ts'
import { GcService, type GcLog } from './gc/gc-service.ts'
import { scheduleGc } from './gc/gc-scheduler.ts'
import { RepositorySettingsService } from './settings/settings-service.ts'
import { defaultsFor, templateFor } from './settings/settings-config.ts'
import { registerSettingsApi } from './http/api/settings-api.ts'
import { registerEcr } from './http/ecr/register-ecr.ts'
import { requestForLog } from './http/log-redaction.ts'
import { registerLifecycle } from './lifecycle/register-lifecycle.ts'
import { resolveScanOnPush } from './scanning/scanning-config.ts'
import type { Digest } from '../oci/digest.ts'
import type { RepositoryName } from '../oci/reference.ts'
import type { PolicySource } from './policy/policy-source.ts'
import { openPolicySource } from './policy/store/stored-policy-source.ts'
import { DEFAULT_POLICY_CONFIG } from './policy/store/policy-config.ts'
import { PolicyAdmin } from './policy/store/policy-admin.ts'
import { registerPoliciesApi } from './http/api/policies-api.ts'
import { registerPolicy } from './policy/register-policy.ts'
import { registerAdmission } from './admission/register-admission.ts'
import type { EventPublisher } from './events/domain-event.ts'
import { EventBus } from './events/event-bus.ts'
import { publishScanOutcomes } from './events/scan-events.ts'
import { registerWebhooks } from './webhooks/register-webhooks.ts'
import { NOOP_METRICS, type RegistryMetrics } from './metrics/registry-metrics.ts'
import { PrometheusMetrics } from './metrics/prometheus-metrics.ts'
import { DEFAULT_METRICS } from './metrics/metrics-config.ts'
import { registerMetricsRoute } from './http/metrics.ts'
import { installRequestMetrics } from './http/request-metrics.ts'

export interface AppDeps {
  readonly store: MetadataStore
  readonly driver: StorageDriver
  readonly clock?: Clock
  readonly ids?: IdGenerator
  /** Run periodic jobs (upload purge) while the app is ready; off by default (tests drive them). */
  readonly jobs?: boolean
  /** Told about every stored manifest (scan on push binds it in buildApp). */
  readonly onManifestPushed?: (repo: RepositoryName, digest: Digest) => Promise<void>
  /** Deploy policies and break-glass exemptions (tests inject one; default: stored + config file). */
  readonly policySource?: PolicySource
  /** Where domain events go (events/domain-event.ts); buildApp passes its event bus to buildServices. */
  readonly events?: EventPublisher
  /** What the services count (docs/metrics.md); buildApp uses its own Prometheus metrics when absent (tests may pass theirs). */
  readonly metrics?: RegistryMetrics
}

export interface RegistryServices {
  readonly blobs: BlobService
  readonly uploads: UploadService
  readonly manifests: ManifestService
  readonly tags: TagService
  readonly referrers: ReferrersService
  /** Online garbage collection (docs/storage-layout.md "Garbage collection"). */
  readonly gc: GcService
  /** Repository settings: scan on push, tag mutability, lifecycle policy (settings/). */
  readonly settings: RepositorySettingsService
  /** Last pull times, noted in memory and written in batches (distribution/pull-recorder.ts). */
  readonly pulls: PullRecorder
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The domain services behind the routes (for jobs and tests). */
    drydock: RegistryServices
  }
}

/**
 * `analyses`: scan while pushing (docs/scan-on-push.md); uploads then feed layer analyses.
 * `log`: where garbage collection reports go.
 */
export function buildServices(config: RegistryConfig, deps: AppDeps, analyses?: UploadAnalyses, log?: GcLog): RegistryServices {
  const clock = deps.clock ?? systemClock
  const gcConfig = config.gc ?? DEFAULT_GC
  const pins = new BlobPins(deps.store, clock, { refreshMs: gcConfig.gracePeriodMs / 4, waitMs: gcConfig.deletionWaitMs })
  const blobs = new BlobService({ driver: deps.driver, store: deps.store, clock, pins })
  const uploadDeps = {
    driver: deps.driver, store: deps.store, blobs, clock, ids: deps.ids ?? uuidGenerator,
    expiryMs: config.uploads.expiryMs, idleTimeoutMs: config.uploads.idleTimeoutMs,
    limits: { ...config.limits, freeSpace: freeSpaceOf(config.storage.dataDir) },
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  }
  const uploads = analyses ? new TeeUploadService(uploadDeps, analyses) : new UploadService(uploadDeps)
  // The config's scanning rules are the default of a repository without its own scanOnPush.
  const scanning = config.scanning
  const settings = new RepositorySettingsService({
    store: deps.store, clock,
    defaults: {
      scanOnPush: (repo) => (scanning ? resolveScanOnPush(scanning, repo) : false),
      namespace: (repo) => defaultsFor(config.repositories, repo),
      template: (repo) => templateFor(config.repositories, repo),
    },
  })
  const pullsConfig = config.pulls ?? DEFAULT_PULLS
  const pulls = new PullRecorder({
    store: deps.store, clock, flushIntervalMs: pullsConfig.flushIntervalMs,
    onError: (err) => log?.error({ err }, 'writing last pull times failed; they are kept for the next flush'),
    onDropped: (dropped) => log?.error({ dropped }, 'pull recorder full: pulls of new images were not recorded'),
  })
  return {
    settings,
    pulls,
    blobs,
    uploads,
    manifests: new ManifestService({
      store: deps.store, blobs, clock,
      limits: { maxJsonDepth: config.limits.maxJsonDepth, maxJsonValues: config.limits.maxJsonValues, maxConfigBytes: config.limits.maxConfigBytes },
      ...(deps.onManifestPushed ? { onPushed: deps.onManifestPushed } : {}),
      tagPolicy: settings,
      newRepository: settings,
      ...(deps.events ? { events: deps.events } : {}),
      ...(pullsConfig.record ? { pulls } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
    tags: new TagService(deps.store),
    referrers: new ReferrersService(deps.store),
    gc: new GcService({
      store: deps.store, driver: deps.driver, clock, ids: deps.ids ?? uuidGenerator, gracePeriodMs: gcConfig.gracePeriodMs,
      jsonLimits: { maxDepth: config.limits.maxJsonDepth, maxValues: config.limits.maxJsonValues },
      purgeUploads: () => uploads.purgeExpired(),
      ...(log ? { log } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
  }
}

export function buildApp(config: RegistryConfig, deps: AppDeps): FastifyInstance {
  const tls = config.server.tls
  const https = tls ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } } : {}
  const app = Fastify({
    ...https,
    logger: {
      level: config.log.level,
      // Never log credentials, even if a future serializer includes headers.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]'],
      // Pre-signed download URLs carry their credential in the path (http/log-redaction.ts).
      serializers: { req: requestForLog },
    },
    // A client-supplied request id could forge log lines; we generate our own.
    requestIdHeader: false,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Bodies are never parsed by Fastify; limits are enforced where the body is read.
    bodyLimit: 1024 * 1024,
    // Errors Fastify raises before routing (malformed URL, bad media type) use our envelope too.
    frameworkErrors: (err, request, reply) => {
      sendError(err, request, reply)
    },
  }) as unknown as FastifyInstance

  // Keep request bodies as raw streams (request.raw): blobs are streamed, never buffered.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))

  // Prometheus metrics (docs/metrics.md): handed to the services, which count where things
  // happen; GET /metrics renders them. Disabled: nothing counted, no route.
  const metricsConfig = config.metrics ?? DEFAULT_METRICS
  const prometheus = metricsConfig.enabled
    ? new PrometheusMetrics({ scanQueue: () => deps.store.scans.queueDepth(), findingsBySeverity: () => deps.store.scans.findingsBySeverity() })
    : undefined
  const metrics: RegistryMetrics = deps.metrics ?? prometheus ?? NOOP_METRICS
  // Domain events (issue #16, docs/events.md): services publish, webhook subscriptions consume.
  const bus = new EventBus({ clock: deps.clock ?? systemClock, ids: deps.ids ?? uuidGenerator, log: { error: (o, m) => app.log.error(o, m) } })
  const scanObserver = pushObserver()
  const analyses = uploadAnalyses(config, { info: (o, m) => app.log.info(o, m), error: (o, m) => app.log.error(o, m) })
  const services = buildServices(config, {
    ...deps,
    events: bus,
    metrics,
    onManifestPushed: async (repo, digest) => {
      await deps.onManifestPushed?.(repo, digest)
      await scanObserver.onManifestPushed(repo, digest)
    },
  }, analyses, { info: (o, m) => app.log.info(o, m), error: (o, m) => app.log.error(o, m) })
  app.decorate('drydock', services)
  // Pulls noted in memory are written every few seconds, and on close (docs/lifecycle.md "Last pull").
  app.addHook('onReady', async () => services.pulls.start())
  app.addHook('onClose', async () => {
    await services.pulls.close().catch((err: unknown) => app.log.error({ err }, 'writing last pull times on close failed'))
  })
  // Read by the one JSON body parser (http/auth/read-small-body.ts).
  app.decorate('jsonBodyLimits', { maxDepth: config.limits.maxJsonDepth, maxValues: config.limits.maxJsonValues })
  installSecurityHeaders(app)
  installErrorHandler(app)
  // Before any access check or handler: a body must arrive in time, read or not (issue #12).
  installBodyDeadlines(app, config.limits)
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id)
  })
  // Every answered request by door, route pattern and status (docs/metrics.md "HTTP labels").
  installRequestMetrics(app, metrics)
  registerHealthRoutes(app, deps)
  // Access control (docs/auth.md): a no-op gate while auth is off.
  const auth = registerAuth(app, config, { store: deps.store, clock: deps.clock ?? systemClock })
  // Scan on push and the findings API (docs/scan-on-push.md).
  const scanning = registerScanning(app, config, { store: deps.store, clock: deps.clock ?? systemClock, services, observer: scanObserver, auth, metrics, ...(analyses ? { uploads: analyses } : {}) })
  if (prometheus) registerMetricsRoute(app, { exposition: () => prometheus.exposition(), access: metricsConfig.auth, auth })
  publishScanOutcomes(scanning, deps.store, bus, { error: (o, m) => app.log.error(o, m) })
  // Signature verification: trusted keys per namespace and the signatures API (docs/signing.md).
  const trust = registerTrust(app, config, { services, auth })
  // Repository settings and explicit creation (docs/api.md "Repository settings").
  registerSettingsApi(app, { settings: services.settings, auth })
  // Lifecycle policies: preview, runs on demand and on a schedule, restore window (docs/lifecycle.md).
  const lifecycle = registerLifecycle(app, config, {
    store: deps.store, clock: deps.clock ?? systemClock, settings: services.settings, manifests: services.manifests, auth, jobs: deps.jobs === true, events: bus,
    log: { info: (o, m) => app.log.info(o, m), error: (o, m) => app.log.error(o, m) },
    metrics,
  })
  // Deploy policies (issue #13): where they come from, and the gate every door asks (docs/policies.md).
  // Stored policies over the config file's defaults; managed through /api/v1/policies and exemptions.
  const policyConfig = config.policy ?? DEFAULT_POLICY_CONFIG
  const storedPolicies = openPolicySource({ configPolicies: policyConfig.defaults, store: deps.store })
  registerPoliciesApi(app, { admin: new PolicyAdmin({ store: deps.store, source: storedPolicies, clock: deps.clock ?? systemClock, ids: deps.ids ?? uuidGenerator, maxExemptionMs: policyConfig.maxExemptionMs }), auth })
  const policySource: PolicySource = deps.policySource ?? storedPolicies
  const pullGate = registerPolicy(app, config, { source: policySource, services, store: deps.store, clock: deps.clock ?? systemClock, auth, trust, scanning, metrics, events: bus })
  // Kubernetes admission webhooks over the same gate (docs/admission.md).
  registerAdmission(app, config, { gate: app.drydockPolicy, manifests: services.manifests, auth })
  // Webhook subscriptions per namespace and their delivery queue (docs/events.md).
  registerWebhooks(app, config, {
    store: deps.store, clock: deps.clock ?? systemClock, ids: deps.ids ?? uuidGenerator, auth, bus,
    // Counted by final outcome (docs/metrics.md); an attempt that will be retried is not final.
    onDelivery: (d) => {
      if (d.outcome !== 'retrying') metrics.webhookDelivery(d.outcome === 'succeeded' ? 'delivered' : 'failed')
    },
  })
  registerOciRoutes(app, { ...services, maxManifestBytes: config.limits.maxManifestBytes, pullGate, metrics })
  // The ECR-compatible API: POST / with SigV4 access keys, /api/v1/access-keys (docs/ecr.md), over
  // the same services, permission checks and deploy gate as /v2 and /api/v1.
  registerEcr(app, config, {
    store: deps.store, settings: services.settings, auth, clock: deps.clock ?? systemClock,
    registry: services, scanning, lifecycle, gate: app.drydockPolicy, gateEvents: pullGate, metrics,
  })

  if (deps.jobs) {
    let timer: NodeJS.Timeout | undefined
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        services.uploads.purgeExpired().then(
          (n) => n > 0 && app.log.info({ purged: n }, 'purged expired uploads and upload directories without a session'),
          (err: unknown) => app.log.error({ err }, 'upload purge failed'),
        )
      }, config.uploads.purgeIntervalMs)
      timer.unref()
    })
    app.addHook('onClose', async () => clearInterval(timer))
    let gc: { stop(): void } | undefined
    app.addHook('onReady', async () => {
      gc = scheduleGc(services.gc, (config.gc ?? DEFAULT_GC).intervalMs, app.log)
    })
    app.addHook('onClose', async () => gc?.stop())
  }
  return app
}
