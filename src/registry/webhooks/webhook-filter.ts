/**
 * Which subscriptions get an event: enabled, of the event's namespace (the repository's first
 * segment), of a wanted type, over the minimum severity (finding and scan.completed events only;
 * others have no severity and pass), and inside the repository pattern.
 *
 * Repository patterns read like the policies' scopes (a prefix on whole segments: `acme/app`
 * covers `acme/app` and `acme/app/web`), with `*` matching any characters within one segment:
 * `acme/app-*` covers `acme/app-web` and `acme/app-api/x`, not `acme/web`; `acme/*` covers the
 * whole namespace.
 */
import { isReportSeverity, REPORT_SEVERITIES, severityRank, type ReportSeverity } from '../../scanner/report/severity-scale.ts'
import type { DomainEvent } from '../events/domain-event.ts'
import type { WebhookRecord } from '../metadata/webhook-store.ts'

export const PATTERN_RE = /^[a-z0-9*._-]+(?:\/[a-z0-9*._-]+)*$/

function segmentRegExp(segment: string): RegExp {
  return new RegExp(`^${segment.split('*').map((part) => part.replace(/[.\\+?^${}()|[\]]/g, '\\$&')).join('[^/]*')}$`)
}

export function patternCovers(pattern: string, repository: string): boolean {
  const want = pattern.split('/')
  const have = repository.split('/')
  if (have.length < want.length) return false
  return want.every((segment, i) => segmentRegExp(segment).test(have[i] ?? ''))
}

export function namespaceOf(repository: string): string {
  return repository.split('/')[0] ?? ''
}

/** The severity an event is judged by: a finding's own, a scan's highest (undefined: no findings). */
export function eventSeverity(e: DomainEvent): ReportSeverity | undefined {
  if (e.type === 'finding.new' || e.type === 'finding.fixed') return e.data.severity
  if (e.type !== 'scan.completed') return undefined
  const counts = e.data.severityCounts
  return [...REPORT_SEVERITIES].reverse().find((s) => counts[s] > 0)
}

/** Events with a severity: findings and completed scans (scan.failed and the others always pass the threshold). */
const GRADED = new Set<string>(['finding.new', 'finding.fixed', 'scan.completed'])

export function subscriptionWants(w: WebhookRecord, e: DomainEvent): boolean {
  if (!w.enabled || w.namespace !== namespaceOf(e.repository)) return false
  if (w.eventTypes.length > 0 && !w.eventTypes.includes(e.type)) return false
  if (w.repositoryPattern !== undefined && !patternCovers(w.repositoryPattern, e.repository)) return false
  if (w.minSeverity !== undefined && isReportSeverity(w.minSeverity) && GRADED.has(e.type)) {
    const severity = eventSeverity(e)
    // A scan without findings has nothing at or above any threshold.
    if (severity === undefined || severityRank(severity) < severityRank(w.minSeverity)) return false
  }
  return true
}
