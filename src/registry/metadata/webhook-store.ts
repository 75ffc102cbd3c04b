/**
 * Webhook subscriptions and their delivery queue (issue #16, docs/events.md). A subscription
 * belongs to a namespace; its secret reaches the store already sealed (auth/access-keys/
 * secret-box.ts) and the store never sees it in clear.
 *
 * Deliveries are a persistent queue, claimed with a lease so that several replicas can share it:
 *
 *   PENDING ──claim──▶ IN_PROGRESS ──finish──▶ SUCCEEDED / FAILED
 *      ▲                   │
 *      └──retry(backoff)───┘  (a lease that runs out, e.g. the process died, is claimable again)
 *
 * redeliver() puts any delivery that is not in progress back to PENDING with a fresh attempt
 * budget. Every attempt is kept in the delivery's bounded history.
 *
 * As in store.ts: methods reject only on storage failure; "not found" is undefined or false.
 */

export type WebhookFormat = 'cloudevents' | 'slack'

export interface WebhookRecord {
  readonly id: string
  readonly namespace: string
  readonly url: string
  /** The HMAC key, sealed (opaque to the store). */
  readonly sealedSecret: string
  /** Event types delivered; empty: every type. */
  readonly eventTypes: readonly string[]
  /** Finding and scan events below this severity are not delivered. */
  readonly minSeverity?: string
  /** Repositories delivered (webhooks/repository-pattern.ts); absent: the whole namespace. */
  readonly repositoryPattern?: string
  readonly format: WebhookFormat
  readonly enabled: boolean
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly createdBy: string
}

/** What may change after creation (the secret is set once, at creation); `null` clears a filter. */
export interface WebhookPatch {
  readonly url?: string
  readonly eventTypes?: readonly string[]
  readonly minSeverity?: string | null
  readonly repositoryPattern?: string | null
  readonly format?: WebhookFormat
  readonly enabled?: boolean
}

export type DeliveryStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED'

export interface DeliveryAttempt {
  readonly at: Date
  /** HTTP status of the answer; absent when none came (refused destination, timeout, connection error). */
  readonly statusCode?: number
  /** First 1 KiB of the answer's body. */
  readonly responseBody?: string
  readonly error?: string
}

export interface DeliveryRecord {
  readonly id: string
  readonly webhookId: string
  readonly eventId: string
  readonly eventType: string
  /** The domain event (JSON text); the payload is rendered from it at each attempt. */
  readonly event: string
  readonly status: DeliveryStatus
  /** Attempts of the current budget (redeliver() starts a new one). */
  readonly attempts: number
  readonly notBefore: Date
  readonly leaseOwner?: string
  readonly leaseExpiresAt?: Date
  readonly lastAttempt?: DeliveryAttempt
  /** The last attempts, oldest first (at most MAX_DELIVERY_HISTORY). */
  readonly history: readonly DeliveryAttempt[]
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly completedAt?: Date
}

export const MAX_DELIVERY_HISTORY = 10

export interface NewDelivery {
  readonly id: string
  readonly webhookId: string
  readonly eventId: string
  readonly eventType: string
  readonly event: string
}

export interface WebhookRepo {
  create(w: WebhookRecord): Promise<void>
  get(id: string): Promise<WebhookRecord | undefined>
  /** The namespace's subscriptions, oldest first. */
  list(namespace: string): Promise<readonly WebhookRecord[]>
  /** The updated record; undefined when unknown. */
  update(id: string, patch: WebhookPatch, at: Date): Promise<WebhookRecord | undefined>
  /** Deletes it with its deliveries; false when unknown. */
  delete(id: string): Promise<boolean>

  /** Queues deliveries, claimable at `at`; a (webhook, event) pair already queued is ignored. */
  enqueue(deliveries: readonly NewDelivery[], at: Date): Promise<void>
  /**
   * Atomically takes up to `limit` claimable deliveries (PENDING with notBefore <= now, or
   * IN_PROGRESS with an expired lease), oldest first, leased to `owner` until now + leaseMs, and
   * counting an attempt.
   */
  claim(owner: string, now: Date, leaseMs: number, limit: number): Promise<readonly DeliveryRecord[]>
  /** Records the final outcome if `owner` still holds it; false otherwise. */
  finish(id: string, owner: string, status: 'SUCCEEDED' | 'FAILED', attempt: DeliveryAttempt): Promise<boolean>
  /** Records a failed attempt and puts it back to PENDING until `notBefore`; false if not held. */
  retry(id: string, owner: string, notBefore: Date, attempt: DeliveryAttempt): Promise<boolean>
  /** Releases a held delivery unchanged (shutdown): PENDING again, the attempt not counted. */
  release(id: string, owner: string): Promise<boolean>
  /** Back to PENDING now with a new attempt budget; undefined when unknown or in progress. */
  redeliver(webhookId: string, id: string, at: Date): Promise<DeliveryRecord | undefined>
  delivery(webhookId: string, id: string): Promise<DeliveryRecord | undefined>
  /** The webhook's deliveries, newest first, at most `limit`. */
  deliveries(webhookId: string, limit: number): Promise<readonly DeliveryRecord[]>
  /** Earliest notBefore / lease expiry among waiting deliveries. */
  nextDue(): Promise<Date | undefined>
  /** Deletes up to `limit` finished deliveries completed before `before`; how many. */
  prune(before: Date, limit: number): Promise<number>
}
