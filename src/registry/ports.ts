/**
 * Ports for time and identifiers. Domain code never calls Date.now() or randomUUID() directly:
 * it receives a Clock and an IdGenerator, so tests can fake time (upload expiry) and ids.
 */
import { randomUUID } from 'node:crypto'

export interface Clock {
  /** The current time. */
  now(): Date
}

export interface IdGenerator {
  /** A new unguessable identifier (upload session ids are capabilities: they must not be predictable). */
  next(): string
}

export const systemClock: Clock = { now: () => new Date() }

export const uuidGenerator: IdGenerator = { next: () => randomUUID() }

/** A clock that only moves when told to (tests). */
export interface FakeClock extends Clock {
  advance(ms: number): void
  set(at: Date | string): void
}

export function fakeClock(start: Date | string = '2026-01-01T00:00:00Z'): FakeClock {
  let t = new Date(start).getTime()
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms
    },
    set: (at) => {
      t = new Date(at).getTime()
    },
  }
}
