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
import type { Digest } from '../oci/digest.ts'
import type { RepositoryName } from '../oci/reference.ts'

export interface AppDeps {
  readonly store: MetadataStore
  readonly driver: StorageDriver
  readonly clock?: Clock
  readonly ids?: IdGenerator
  /** Run periodic jobs (upload purge) while the app is ready; off by default (tests drive them). */
  readonly jobs?: boolean
  /** Told about every stored manifest (scan on push binds it in buildApp). */
  readonly onManifestPushed?: (repo: RepositoryName, digest: Digest) => Promise<void>
}

export interface RegistryServices {
  readonly blobs: BlobService
  readonly uploads: UploadService
  readonly manifests: ManifestService
  readonly tags: TagService
  readonly referrers: ReferrersService
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The domain services behind the routes (for jobs and tests). */
    drydock: RegistryServices
  }
}

/** `analyses`: scan while pushing (docs/scan-on-push.md); uploads then feed layer analyses. */
export function buildServices(config: RegistryConfig, deps: AppDeps, analyses?: UploadAnalyses): RegistryServices {
  const clock = deps.clock ?? systemClock
  const blobs = new BlobService({ driver: deps.driver, store: deps.store, clock })
  const uploadDeps = {
    driver: deps.driver, store: deps.store, blobs, clock, ids: deps.ids ?? uuidGenerator, expiryMs: config.uploads.expiryMs,
    limits: { ...config.limits, freeSpace: freeSpaceOf(config.storage.dataDir) },
  }
  return {
    blobs,
    uploads: analyses ? new TeeUploadService(uploadDeps, analyses) : new UploadService(uploadDeps),
    manifests: new ManifestService({ store: deps.store, blobs, clock, ...(deps.onManifestPushed ? { onPushed: deps.onManifestPushed } : {}) }),
    tags: new TagService(deps.store),
    referrers: new ReferrersService(deps.store),
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

  const scanObserver = pushObserver()
  const analyses = uploadAnalyses(config, { info: (o, m) => app.log.info(o, m), error: (o, m) => app.log.error(o, m) })
  const services = buildServices(config, {
    ...deps,
    onManifestPushed: async (repo, digest) => {
      await deps.onManifestPushed?.(repo, digest)
      await scanObserver.onManifestPushed(repo, digest)
    },
  }, analyses)
  app.decorate('drydock', services)
  installSecurityHeaders(app)
  installErrorHandler(app)
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id)
  })
  registerHealthRoutes(app, deps)
  // Access control (docs/auth.md): a no-op gate while auth is off.
  const auth = registerAuth(app, config, { store: deps.store, clock: deps.clock ?? systemClock })
  // Scan on push and the findings API (docs/scan-on-push.md).
  registerScanning(app, config, { store: deps.store, clock: deps.clock ?? systemClock, services, observer: scanObserver, auth, ...(analyses ? { uploads: analyses } : {}) })
  // Signature verification: trusted keys per namespace and the signatures API (docs/signing.md).
  registerTrust(app, config, { services, auth })
  registerOciRoutes(app, { ...services, maxManifestBytes: config.limits.maxManifestBytes })

  if (deps.jobs) {
    let timer: NodeJS.Timeout | undefined
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        services.uploads.purgeExpired().then(
          (n) => n > 0 && app.log.info({ purged: n }, 'purged expired uploads'),
          (err: unknown) => app.log.error({ err }, 'upload purge failed'),
        )
      }, config.uploads.purgeIntervalMs)
      timer.unref()
    })
    app.addHook('onClose', async () => clearInterval(timer))
  }
  return app
}
