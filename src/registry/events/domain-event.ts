/**
 * The domain event model (issue #16 "Continuous monitoring"): what happened to an image, told by
 * the domain services through an injected EventPublisher (no global bus). Sinks (the webhook
 * dispatcher, later others) subscribe to the EventBus that app.ts builds.
 *
 * Events carry facts, never credentials: no token, password, webhook secret or secret-finding
 * value ever goes into `data` (a secret finding would only be counted, or named by its rule id).
 */
import type { ReportSeverity, SeverityCounts } from '../../scanner/report/severity-scale.ts'

export const EVENT_TYPES = [
  'image.pushed', 'image.deleted', 'image.expired', 'scan.completed', 'scan.failed', 'policy.violation', 'finding.new', 'finding.fixed',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s)
}

export interface ScanCompletedData {
  /** Findings of every kind (vulnerabilities, secrets, misconfigurations), summed over the index's platforms. */
  readonly severityCounts: SeverityCounts
  /** The scanners that ran; a scanner that could not run (no advisory DB) is in `unavailable`. */
  readonly scanners: readonly string[]
  readonly unavailable?: readonly string[]
}

export interface PolicyViolationData {
  readonly policy: string
  readonly mode: string
  /** `deny` refused the image; `audit-deny` would have (the policy is in audit mode). */
  readonly decision: 'deny' | 'audit-deny'
  /** Where it was asked: a manifest pull or a Kubernetes admission review. */
  readonly door: string
  /** One line: what the refused client was told (policy/refusal-message.ts). */
  readonly reason: string
}

/** A finding of an advisory re-match (finding.new / finding.fixed). */
export interface FindingData {
  readonly advisoryId: string
  readonly package: string
  readonly version: string
  readonly severity: ReportSeverity
  readonly fixVersion?: string
}

export interface EventDataByType {
  readonly 'image.pushed': { readonly mediaType: string }
  /** `untagged`: only a tag was removed (DELETE by tag); the manifest stays. */
  readonly 'image.deleted': { readonly untagged: boolean }
  readonly 'image.expired': { readonly rulePriority: number; readonly carried: number; readonly restoreUntil: string }
  readonly 'scan.completed': ScanCompletedData
  readonly 'scan.failed': { readonly status: string; readonly reason: string }
  readonly 'policy.violation': PolicyViolationData
  readonly 'finding.new': FindingData
  readonly 'finding.fixed': FindingData
}

/** What a service publishes; the bus adds `id` and `time`. */
export type NewEvent<T extends EventType = EventType> = {
  readonly [K in T]: {
    readonly type: K
    readonly repository: string
    readonly digest?: string
    /** Tags of the digest where known (at most a few: MAX_EVENT_TAGS). */
    readonly tags?: readonly string[]
    /** The principal name that caused it (`drydock-scanner`, `lifecycle`, a user, a robot). */
    readonly actor?: string
    readonly data: EventDataByType[K]
  }
}[T]

export type DomainEvent<T extends EventType = EventType> = NewEvent<T> & {
  readonly id: string
  /** RFC 3339. */
  readonly time: string
}

/** How many tags an event lists: enough to recognise the image, bounded for the payload. */
export const MAX_EVENT_TAGS = 20

/**
 * Where domain services publish. publish() resolves once every sink has taken the event (the
 * webhook dispatcher has queued its deliveries durably) and never rejects: a failing sink is
 * logged by the bus, it never fails the push, scan or pull that caused the event.
 */
export interface EventPublisher {
  publish(event: NewEvent): Promise<void>
}

/** For services built without events (unit tests, tools). */
export const NO_EVENTS: EventPublisher = { publish: async () => {} }
