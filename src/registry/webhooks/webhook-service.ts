/**
 * Webhook subscriptions of a namespace and the event sink that queues their deliveries
 * (docs/events.md). The secret is generated when none is given, returned once by create(), sealed
 * at rest with the access-key secret box (auth/access-keys/secret-box.ts, the webhook id as its
 * additional data) and opened only to sign a delivery. Views never hold it.
 */
import { randomBytes } from 'node:crypto'
import type { SecretBox } from '../auth/access-keys/secret-box.ts'
import type { DomainEvent } from '../events/domain-event.ts'
import type { DeliveryAttempt, DeliveryRecord, WebhookFormat, WebhookPatch, WebhookRecord } from '../metadata/webhook-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock, IdGenerator } from '../ports.ts'
import { namespaceOf, subscriptionWants } from './webhook-filter.ts'

export interface WebhookInput {
  readonly url: string
  readonly secret?: string
  readonly eventTypes: readonly string[]
  readonly minSeverity?: string
  readonly repositoryPattern?: string
  readonly format: WebhookFormat
  readonly enabled: boolean
}

/** What the API shows of a subscription: everything but the secret. */
export interface WebhookView {
  readonly id: string
  readonly namespace: string
  readonly url: string
  readonly eventTypes: readonly string[]
  readonly minSeverity?: string
  readonly repositoryPattern?: string
  readonly format: WebhookFormat
  readonly enabled: boolean
  readonly createdAt: string
  readonly updatedAt: string
  readonly createdBy: string
}

export interface DeliveryView {
  readonly id: string
  readonly eventId: string
  readonly eventType: string
  readonly status: string
  readonly attempts: number
  readonly lastStatusCode?: number
  /** First 1 KiB of the last answer's body. */
  readonly lastResponseBody?: string
  readonly lastError?: string
  readonly history: readonly { at: string; statusCode?: number; error?: string }[]
  readonly createdAt: string
  readonly updatedAt: string
  readonly nextAttemptAt?: string
  readonly completedAt?: string
}

export function webhookView(w: WebhookRecord): WebhookView {
  return {
    id: w.id, namespace: w.namespace, url: w.url, eventTypes: w.eventTypes,
    ...(w.minSeverity === undefined ? {} : { minSeverity: w.minSeverity }),
    ...(w.repositoryPattern === undefined ? {} : { repositoryPattern: w.repositoryPattern }),
    format: w.format, enabled: w.enabled, createdAt: w.createdAt.toISOString(), updatedAt: w.updatedAt.toISOString(), createdBy: w.createdBy,
  }
}

const attemptView = (a: DeliveryAttempt) => ({ at: a.at.toISOString(), ...(a.statusCode === undefined ? {} : { statusCode: a.statusCode }), ...(a.error === undefined ? {} : { error: a.error }) })

export function deliveryView(d: DeliveryRecord): DeliveryView {
  const last = d.lastAttempt
  return {
    id: d.id, eventId: d.eventId, eventType: d.eventType, status: d.status, attempts: d.attempts,
    ...(last?.statusCode === undefined ? {} : { lastStatusCode: last.statusCode }),
    ...(last?.responseBody === undefined ? {} : { lastResponseBody: last.responseBody }),
    ...(last?.error === undefined ? {} : { lastError: last.error }),
    history: d.history.map(attemptView),
    createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString(),
    ...(d.status === 'PENDING' ? { nextAttemptAt: d.notBefore.toISOString() } : {}),
    ...(d.completedAt === undefined ? {} : { completedAt: d.completedAt.toISOString() }),
  }
}

/** Subscriptions per namespace: bounded so one namespace cannot multiply every event without limit. */
export const MAX_WEBHOOKS_PER_NAMESPACE = 50
const SEAL_PREFIX = 'webhook:'

export interface WebhookServiceDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly box: SecretBox
  /** Told when deliveries were queued (the worker looks at once). */
  readonly onQueued?: () => void
}

export class WebhookService {
  readonly #d: WebhookServiceDeps

  constructor(deps: WebhookServiceDeps) {
    this.#d = deps
  }

  /** The new subscription, and its secret in clear: the only time it is shown. */
  async create(namespace: string, input: WebhookInput, actor: string): Promise<{ view: WebhookView; secret: string } | 'too-many'> {
    if ((await this.#d.store.webhooks.list(namespace)).length >= MAX_WEBHOOKS_PER_NAMESPACE) return 'too-many'
    const id = this.#d.ids.next()
    const secret = input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`
    const now = this.#d.clock.now()
    const record: WebhookRecord = {
      id, namespace, url: input.url, sealedSecret: await this.#d.box.seal(SEAL_PREFIX + id, secret), eventTypes: input.eventTypes,
      ...(input.minSeverity === undefined ? {} : { minSeverity: input.minSeverity }),
      ...(input.repositoryPattern === undefined ? {} : { repositoryPattern: input.repositoryPattern }),
      format: input.format, enabled: input.enabled, createdAt: now, updatedAt: now, createdBy: actor,
    }
    await this.#d.store.webhooks.create(record)
    return { view: webhookView(record), secret }
  }

  async list(namespace: string): Promise<readonly WebhookView[]> {
    return (await this.#d.store.webhooks.list(namespace)).map(webhookView)
  }

  /** The subscription when it exists in `namespace` (another namespace's id is "not found"). */
  async #own(namespace: string, id: string): Promise<WebhookRecord | undefined> {
    const w = await this.#d.store.webhooks.get(id)
    return w?.namespace === namespace ? w : undefined
  }

  async get(namespace: string, id: string): Promise<WebhookView | undefined> {
    const w = await this.#own(namespace, id)
    return w && webhookView(w)
  }

  async update(namespace: string, id: string, patch: WebhookPatch): Promise<WebhookView | undefined> {
    if ((await this.#own(namespace, id)) === undefined) return undefined
    const w = await this.#d.store.webhooks.update(id, patch, this.#d.clock.now())
    return w && webhookView(w)
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    if ((await this.#own(namespace, id)) === undefined) return false
    return this.#d.store.webhooks.delete(id)
  }

  async deliveries(namespace: string, id: string, limit: number): Promise<readonly DeliveryView[] | undefined> {
    if ((await this.#own(namespace, id)) === undefined) return undefined
    return (await this.#d.store.webhooks.deliveries(id, limit)).map(deliveryView)
  }

  /** Back in the queue now with a new attempt budget; 'busy' while an attempt is in flight. */
  async redeliver(namespace: string, id: string, deliveryId: string): Promise<DeliveryView | 'busy' | undefined> {
    if ((await this.#own(namespace, id)) === undefined) return undefined
    const again = await this.#d.store.webhooks.redeliver(id, deliveryId, this.#d.clock.now())
    if (again === undefined) return (await this.#d.store.webhooks.delivery(id, deliveryId)) === undefined ? undefined : 'busy'
    this.#d.onQueued?.()
    return deliveryView(again)
  }

  /** The secret in clear, to sign a delivery. */
  openSecret(id: string, sealed: string): Promise<string | undefined> {
    return this.#d.box.open(SEAL_PREFIX + id, sealed)
  }

  /** The event sink: one delivery per subscription that wants the event, queued durably. */
  async dispatch(event: DomainEvent): Promise<void> {
    const wanting = (await this.#d.store.webhooks.list(namespaceOf(event.repository))).filter((w) => subscriptionWants(w, event))
    if (wanting.length === 0) return
    const text = JSON.stringify(event)
    await this.#d.store.webhooks.enqueue(wanting.map((w) => ({ id: this.#d.ids.next(), webhookId: w.id, eventId: event.id, eventType: event.type, event: text })), this.#d.clock.now())
    this.#d.onQueued?.()
  }
}
