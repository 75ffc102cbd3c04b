/**
 * What a delivery's body looks like, per the subscription's format:
 *  - `cloudevents`: CloudEvents 1.0 structured mode (`application/cloudevents+json`), type
 *    `io.drydock.<event type>`, the domain event's fields as `data`;
 *  - `slack`: a Slack incoming-webhook message (`{"text", "blocks"}`) with one line of summary.
 * The body is a pure function of the event, so every attempt and redelivery sends the same bytes.
 */
import type { DomainEvent } from '../events/domain-event.ts'
import { SEVERITIES_HIGH_FIRST } from '../../scanner/report/severity-scale.ts'
import type { WebhookFormat } from '../metadata/webhook-store.ts'

export interface RenderedPayload {
  readonly contentType: string
  readonly body: Buffer
}

export const CLOUDEVENTS_TYPE_PREFIX = 'io.drydock.'

function subjectOf(e: DomainEvent): string {
  return e.digest === undefined ? e.repository : `${e.repository}@${e.digest}`
}

export function cloudEvent(e: DomainEvent): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: e.id,
    source: `/drydock/repositories/${e.repository}`,
    type: `${CLOUDEVENTS_TYPE_PREFIX}${e.type}`,
    time: e.time,
    subject: subjectOf(e),
    datacontenttype: 'application/json',
    data: {
      repository: e.repository,
      ...(e.digest === undefined ? {} : { digest: e.digest }),
      ...(e.tags === undefined ? {} : { tags: e.tags }),
      ...(e.actor === undefined ? {} : { actor: e.actor }),
      ...e.data,
    },
  }
}

/** One line a person reads in a channel. */
export function summaryLine(e: DomainEvent): string {
  const image = `${e.repository}${e.tags?.[0] === undefined ? '' : `:${e.tags[0]}`}${e.digest === undefined ? '' : ` (${e.digest.slice(0, 19)})`}`
  const by = e.actor === undefined ? '' : ` by ${e.actor}`
  switch (e.type) {
    case 'image.pushed': return `Image pushed: ${image}${by}`
    case 'image.deleted': return `${e.data.untagged ? 'Tag removed' : 'Image deleted'}: ${image}${by}`
    case 'image.expired': return `Image expired by lifecycle rule ${e.data.rulePriority}: ${image} (restorable until ${e.data.restoreUntil})`
    case 'scan.completed': {
      const counts = SEVERITIES_HIGH_FIRST.filter((s) => e.data.severityCounts[s] > 0).map((s) => `${e.data.severityCounts[s]} ${s}`)
      return `Scan completed: ${image}: ${counts.length === 0 ? 'no findings' : counts.join(', ')}`
    }
    case 'scan.failed': return `Scan failed: ${image}: ${e.data.reason}`
    case 'policy.violation': return `Deploy policy ${e.data.policy} ${e.data.decision === 'deny' ? 'refused' : 'would refuse (audit)'} ${image} at ${e.data.door}: ${e.data.reason}`
    case 'finding.new': return `New ${e.data.severity} finding ${e.data.advisoryId} in ${e.data.package} ${e.data.version}: ${image}`
    case 'finding.fixed': return `Finding ${e.data.advisoryId} in ${e.data.package} ${e.data.version} no longer applies: ${image}`
  }
}

/** Slack's mrkdwn treats these as markup: escaped so a repository or reason cannot inject links or mentions. */
function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function slackMessage(e: DomainEvent): Record<string, unknown> {
  const text = slackEscape(summaryLine(e))
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(`${e.type} · ${e.time} · event ${e.id}`) }] },
    ],
  }
}

export function renderPayload(e: DomainEvent, format: WebhookFormat): RenderedPayload {
  return format === 'slack'
    ? { contentType: 'application/json', body: Buffer.from(JSON.stringify(slackMessage(e))) }
    : { contentType: 'application/cloudevents+json', body: Buffer.from(JSON.stringify(cloudEvent(e))) }
}
