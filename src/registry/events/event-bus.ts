/**
 * The in-process EventPublisher: stamps each event with an id and a time, then hands it to every
 * subscribed sink in turn. Sinks must be durable where it matters (the webhook dispatcher writes
 * its deliveries to the metadata store before resolving), so a published event survives a restart.
 */
import type { Clock, IdGenerator } from '../ports.ts'
import type { DomainEvent, EventPublisher, NewEvent } from './domain-event.ts'

export type EventSink = (event: DomainEvent) => Promise<void>

export interface EventBusDeps {
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly log: { error(obj: object, msg: string): void }
}

export class EventBus implements EventPublisher {
  readonly #d: EventBusDeps
  readonly #sinks = new Set<EventSink>()

  constructor(deps: EventBusDeps) {
    this.#d = deps
  }

  /** Adds a sink; returns the unsubscribe. */
  subscribe(sink: EventSink): () => void {
    this.#sinks.add(sink)
    return () => this.#sinks.delete(sink)
  }

  async publish(event: NewEvent): Promise<void> {
    if (this.#sinks.size === 0) return
    const stamped = { ...event, id: this.#d.ids.next(), time: this.#d.clock.now().toISOString() } as DomainEvent
    for (const sink of this.#sinks) {
      try {
        await sink(stamped)
      } catch (err) {
        this.#d.log.error({ err, event: stamped.type, repository: stamped.repository }, 'an event sink failed; the event was not taken by it')
      }
    }
  }
}
