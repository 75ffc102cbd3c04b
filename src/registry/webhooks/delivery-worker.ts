/**
 * Sends queued webhook deliveries (metadata WebhookRepo) with bounded concurrency. A delivery is
 * claimed with a lease longer than one attempt can take, so a delivery held by a process that
 * died is claimable again once the lease runs out: that, and the queue living in the metadata
 * store, is how pending deliveries survive a restart, and how several replicas share one queue.
 * Failed attempts are retried with exponential backoff and jitter up to `maxAttempts`; each
 * outcome is told to the injected observer (metrics bind it at integration).
 */
import { randomUUID } from 'node:crypto'
import type { DomainEvent } from '../events/domain-event.ts'
import type { DeliveryAttempt, DeliveryRecord } from '../metadata/webhook-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock } from '../ports.ts'
import type { DestinationGuard } from './destination-guard.ts'
import { renderPayload } from './payload-formats.ts'
import { SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from './signature.ts'
import type { WebhooksConfig } from './webhooks-config.ts'
import { sendWebhook, type SendRequest, type SendResult } from './webhook-sender.ts'

export interface DeliveryOutcome {
  readonly webhookId: string
  readonly namespace: string
  readonly eventType: string
  /** `retrying`: this attempt failed and another is scheduled. */
  readonly outcome: 'succeeded' | 'retrying' | 'failed'
  readonly attempt: number
  readonly statusCode?: number
  readonly durationMs: number
}

/** Told once per attempt; must not throw (metrics/ binds it). */
export type DeliveryObserver = (outcome: DeliveryOutcome) => void

export interface DeliveryWorkerDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly config: WebhooksConfig
  readonly guard: DestinationGuard
  /** The webhook's secret in clear (opened from its sealed form); undefined when it cannot be opened. */
  readonly secretOf: (webhookId: string, sealed: string) => Promise<string | undefined>
  readonly log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void }
  readonly onDelivery?: DeliveryObserver
  /** Test seam: the HTTP attempt (webhook-sender.ts by default). */
  readonly send?: (req: SendRequest, guard: DestinationGuard) => Promise<SendResult>
}

const CONCURRENCY = 4
/** Longest idle sleep: a delivery queued by another replica is seen within this. */
const MAX_IDLE_MS = 2_000
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000
/** Finished deliveries are kept this long for the delivery log, then pruned. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000
const PRUNE_EVERY_MS = 10 * 60 * 1000

/** Backoff before the next attempt after `attempts` failed ones: base × 2^(n-1), ±20 % jitter, capped. */
export function retryDelayMs(baseMs: number, attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempts - 1))
  return Math.max(0, Math.round(exp * (0.8 + 0.4 * random())))
}

export class DeliveryWorker {
  readonly #d: DeliveryWorkerDeps
  readonly #owner = `webhooks-${randomUUID()}`
  readonly #active = new Set<Promise<void>>()
  #running = false
  #wakeUp: (() => void) | undefined
  #loop: Promise<void> | undefined
  #prunedAt = 0

  constructor(deps: DeliveryWorkerDeps) {
    this.#d = deps
  }

  get #leaseMs(): number {
    return this.#d.config.timeoutMs * 2 + 5_000
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#loop = this.#run()
  }

  /** A delivery was queued: look now instead of at the next poll. */
  wake(): void {
    this.#wakeUp?.()
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.#running = false
    this.wake()
    await this.#loop
    await Promise.allSettled([...this.#active])
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.#prune()
        const free = CONCURRENCY - this.#active.size
        const claimed = free > 0 ? await this.#d.store.webhooks.claim(this.#owner, this.#d.clock.now(), this.#leaseMs, free) : []
        for (const delivery of claimed) {
          const job: Promise<void> = this.#attempt(delivery)
            .catch((err: unknown) => this.#d.log.error({ err, delivery: delivery.id }, 'webhook delivery bookkeeping failed'))
            .finally(() => {
              this.#active.delete(job)
              this.wake()
            })
          this.#active.add(job)
        }
        if (claimed.length > 0 && this.#active.size < CONCURRENCY) continue
        const due = free > 0 ? await this.#d.store.webhooks.nextDue() : undefined
        const wait = due === undefined ? MAX_IDLE_MS : Math.max(0, Math.min(MAX_IDLE_MS, due.getTime() - this.#d.clock.now().getTime()))
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait)
          timer.unref()
          this.#wakeUp = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        this.#wakeUp = undefined
      } catch (err) {
        this.#d.log.error({ err }, 'webhook delivery queue poll failed')
        await new Promise((r) => setTimeout(r, MAX_IDLE_MS).unref())
      }
    }
  }

  async #prune(): Promise<void> {
    const now = this.#d.clock.now().getTime()
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return
    this.#prunedAt = now
    await this.#d.store.webhooks.prune(new Date(now - DELIVERY_RETENTION_MS), 10_000)
  }

  async #attempt(delivery: DeliveryRecord): Promise<void> {
    const { store, clock, config } = this.#d
    const webhook = await store.webhooks.get(delivery.webhookId)
    if (webhook === undefined) return
    const started = clock.now()
    const finish = async (result: SendResult): Promise<void> => {
      const attempt: DeliveryAttempt = {
        at: clock.now(),
        ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }),
        ...(result.responseBody === undefined ? {} : { responseBody: result.responseBody }),
        ...(result.error === undefined ? {} : { error: result.error }),
      }
      let outcome: DeliveryOutcome['outcome']
      if (result.ok) {
        outcome = 'succeeded'
        await store.webhooks.finish(delivery.id, this.#owner, 'SUCCEEDED', attempt)
      } else if (delivery.attempts >= config.maxAttempts || !webhook.enabled) {
        outcome = 'failed'
        await store.webhooks.finish(delivery.id, this.#owner, 'FAILED', attempt)
      } else {
        outcome = 'retrying'
        const retryAt = new Date(clock.now().getTime() + retryDelayMs(config.retryBaseDelayMs, delivery.attempts))
        await store.webhooks.retry(delivery.id, this.#owner, retryAt, attempt)
      }
      // The host only: a URL may carry a token in its path (Slack's do).
      const host = URL.canParse(webhook.url) ? new URL(webhook.url).host : '?'
      const logged = { webhook: webhook.id, delivery: delivery.id, event: delivery.eventType, host, attempt: delivery.attempts, outcome, ...(result.statusCode === undefined ? {} : { status: result.statusCode }) }
      if (outcome === 'succeeded') this.#d.log.info(logged, 'webhook delivered')
      else this.#d.log.error({ ...logged, ...(result.error === undefined ? {} : { error: result.error }) }, 'webhook delivery failed')
      try {
        this.#d.onDelivery?.({
          webhookId: webhook.id, namespace: webhook.namespace, eventType: delivery.eventType, outcome, attempt: delivery.attempts,
          ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }), durationMs: clock.now().getTime() - started.getTime(),
        })
      } catch (err) {
        this.#d.log.error({ err }, 'webhook delivery observer failed')
      }
    }
    if (!webhook.enabled) return finish({ ok: false, error: 'webhook disabled' })
    const secret = await this.#d.secretOf(webhook.id, webhook.sealedSecret)
    if (secret === undefined) return finish({ ok: false, error: 'the webhook secret cannot be opened (key file changed?)' })
    const payload = renderPayload(JSON.parse(delivery.event) as DomainEvent, webhook.format)
    const timestamp = Math.floor(clock.now().getTime() / 1000)
    const result = await (this.#d.send ?? sendWebhook)({
      url: webhook.url,
      body: payload.body,
      timeoutMs: config.timeoutMs,
      headers: {
        'Content-Type': payload.contentType,
        'X-Drydock-Event': delivery.eventType,
        'X-Drydock-Delivery': delivery.id,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signBody(secret, timestamp, payload.body),
      },
    }, this.#d.guard)
    await finish(result)
  }
}
