/**
 * finding.new / finding.fixed, for the advisory re-match (issue #16): one call per finding,
 *   await publishFinding(events, 'finding.new', { repository, digest, tags }, finding)
 * The finding must be a vulnerability: a secret finding's value never goes into an event.
 */
import type { EventPublisher, FindingData } from './domain-event.ts'

export interface FindingImage {
  readonly repository: string
  readonly digest: string
  readonly tags?: readonly string[]
}

export function publishFinding(events: EventPublisher, type: 'finding.new' | 'finding.fixed', image: FindingImage, finding: FindingData): Promise<void> {
  return events.publish({
    type, repository: image.repository, digest: image.digest, actor: 'drydock-scanner',
    ...(image.tags === undefined ? {} : { tags: image.tags }),
    data: {
      advisoryId: finding.advisoryId, package: finding.package, version: finding.version, severity: finding.severity,
      ...(finding.fixVersion === undefined ? {} : { fixVersion: finding.fixVersion }),
    },
  })
}
