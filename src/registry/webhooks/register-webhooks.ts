/**
 * Plugs webhook notifications into the app (docs/events.md): the subscriptions API, the event
 * sink that queues deliveries, and the delivery worker (started when the app is ready, stopped
 * on close, waiting for the attempts in flight). With `webhooks.enabled` false nothing of it
 * exists: no routes (404), no sink, no worker.
 */
import type { FastifyInstance } from 'fastify'
import { SecretBox } from '../auth/access-keys/secret-box.ts'
import type { AuthService } from '../auth/auth-service.ts'
import type { RegistryConfig } from '../config/config.ts'
import type { EventBus } from '../events/event-bus.ts'
import { registerWebhooksApi } from '../http/api/webhooks-api.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock, IdGenerator } from '../ports.ts'
import { DeliveryWorker, type DeliveryObserver } from './delivery-worker.ts'
import { DestinationGuard } from './destination-guard.ts'
import { WebhookService } from './webhook-service.ts'
import { DEFAULT_WEBHOOKS } from './webhooks-config.ts'

export interface WebhooksDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly auth: AuthService | undefined
  readonly bus: EventBus
  /** Told about every delivery attempt (metrics bind it). */
  readonly onDelivery?: DeliveryObserver
}

export function registerWebhooks(app: FastifyInstance, config: RegistryConfig, deps: WebhooksDeps): WebhookService | undefined {
  const settings = config.webhooks ?? DEFAULT_WEBHOOKS
  if (!settings.enabled) return undefined
  const guard = new DestinationGuard(settings.allowedDestinations)
  let worker: DeliveryWorker | undefined
  const webhooks = new WebhookService({
    store: deps.store, clock: deps.clock, ids: deps.ids, box: new SecretBox(config.storage.dataDir), onQueued: () => worker?.wake(),
  })
  worker = new DeliveryWorker({
    store: deps.store, clock: deps.clock, config: settings, guard,
    secretOf: (id, sealed) => webhooks.openSecret(id, sealed),
    log: { info: (o, m) => app.log.info(o, m), error: (o, m) => app.log.error(o, m) },
    ...(deps.onDelivery ? { onDelivery: deps.onDelivery } : {}),
  })
  const running = worker
  deps.bus.subscribe((event) => webhooks.dispatch(event))
  registerWebhooksApi(app, { webhooks, guard, auth: deps.auth })
  app.addHook('onReady', async () => running.start())
  app.addHook('onClose', async () => running.stop())
  return webhooks
}
