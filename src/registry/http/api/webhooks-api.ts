/**
 * Webhook subscriptions of a namespace (docs/events.md, docs/api.md "Webhooks"):
 *   POST   /api/v1/orgs/{org}/webhooks                  {url, secret?, eventTypes?, minSeverity?, repositoryPattern?, format?, enabled?}
 *                                                      201 with the secret, shown this once
 *   GET    /api/v1/orgs/{org}/webhooks                  list (never a secret)
 *   GET    /api/v1/orgs/{org}/webhooks/{id}
 *   PATCH  /api/v1/orgs/{org}/webhooks/{id}             any of the fields but the secret; null clears a filter
 *   DELETE /api/v1/orgs/{org}/webhooks/{id}             with its deliveries (204)
 *   GET    /api/v1/orgs/{org}/webhooks/{id}/deliveries  newest first (?limit=, at most 100)
 *   POST   /api/v1/orgs/{org}/webhooks/{id}/deliveries/{deliveryId}/redeliver   (202)
 * Who may: the management right on the namespace (permissions.ts mayManage, as for the org's
 * robots: a namespace admin; a token needs `admin` on `org/*`), checked before anything is looked
 * up. With access control off, anyone may, as anyone may push. Changes are audited.
 */
import { isIP } from 'node:net'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import { REPORT_SEVERITIES } from '../../../scanner/report/severity-scale.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { principalName, type Principal } from '../../auth/principal.ts'
import { EVENT_TYPES, isEventType } from '../../events/domain-event.ts'
import type { WebhookFormat, WebhookPatch } from '../../metadata/webhook-store.ts'
import type { DestinationGuard } from '../../webhooks/destination-guard.ts'
import { PATTERN_RE } from '../../webhooks/webhook-filter.ts'
import type { WebhookInput, WebhookService } from '../../webhooks/webhook-service.ts'
import { clientAddress } from '../auth/credentials.ts'
import { readJsonObject } from '../auth/read-small-body.ts'
import { callerOf, json, NAME_RE, notFound, requirePermission } from './api-context.ts'

export interface WebhooksApiDeps {
  readonly webhooks: WebhookService
  readonly guard: DestinationGuard
  readonly auth: AuthService | undefined
}

const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const FORMATS: readonly WebhookFormat[] = ['cloudevents', 'slack']
const MAX_URL = 2048

const bad = (message: string, field: string): RegistryError => new RegistryError('UNSUPPORTED', message, { status: 400, detail: { field } })

function parseUrl(raw: unknown, guard: DestinationGuard): string {
  if (typeof raw !== 'string' || raw.length > MAX_URL || !URL.canParse(raw)) throw bad("'url' must be an absolute http(s) URL", 'url')
  const url = new URL(raw)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad("'url' must be an absolute http(s) URL", 'url')
  // Credentials belong in the secret: a URL is shown in every listing.
  if (url.username !== '' || url.password !== '') throw bad("'url' must not hold credentials (use the secret)", 'url')
  // A literal address is judged now; a host name when each delivery resolves it (DNS may change).
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) !== 0 && !guard.addressAllowed(host, host)) {
    throw bad(`'url' points at a private, loopback or reserved address; the server's webhooks.allowedDestinations does not allow it`, 'url')
  }
  return raw
}

function parseEventTypes(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length > EVENT_TYPES.length || raw.some((t) => typeof t !== 'string' || !isEventType(t))) {
    throw bad(`'eventTypes' must be a list of ${EVENT_TYPES.join(', ')} (empty: all)`, 'eventTypes')
  }
  return [...new Set(raw as string[])]
}

function parseSeverity(raw: unknown): string {
  if (typeof raw !== 'string' || !(REPORT_SEVERITIES as readonly string[]).includes(raw.toUpperCase())) throw bad(`'minSeverity' must be one of ${REPORT_SEVERITIES.join(', ')}`, 'minSeverity')
  return raw.toUpperCase()
}

function parsePattern(raw: unknown, org: string): string {
  if (typeof raw !== 'string' || raw.length > 255 || !PATTERN_RE.test(raw) || raw.split('/')[0] !== org) {
    throw bad(`'repositoryPattern' must be a repository name or pattern in '${org}' (e.g. ${org}/app, ${org}/team-*)`, 'repositoryPattern')
  }
  return raw
}

function parseFormat(raw: unknown): WebhookFormat {
  if (typeof raw !== 'string' || !(FORMATS as readonly string[]).includes(raw)) throw bad(`'format' must be one of ${FORMATS.join(', ')}`, 'format')
  return raw as WebhookFormat
}

function parseEnabled(raw: unknown): boolean {
  if (typeof raw !== 'boolean') throw bad("'enabled' must be true or false", 'enabled')
  return raw
}

const KNOWN = new Set(['url', 'secret', 'eventTypes', 'minSeverity', 'repositoryPattern', 'format', 'enabled'])

function refuseUnknown(body: Record<string, unknown>): void {
  const unknown = Object.keys(body).find((k) => !KNOWN.has(k))
  if (unknown !== undefined) throw bad(`unknown field '${unknown.slice(0, 64)}'`, unknown.slice(0, 64))
}

function parseCreate(body: Record<string, unknown>, org: string, guard: DestinationGuard): WebhookInput {
  refuseUnknown(body)
  const secret = body['secret']
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < 16 || secret.length > 256 || !/^[\x21-\x7e]+$/.test(secret))) {
    throw bad("'secret' must be 16 to 256 printable ASCII characters without spaces (or left out: one is generated)", 'secret')
  }
  return {
    url: parseUrl(body['url'], guard),
    ...(secret === undefined ? {} : { secret: secret as string }),
    eventTypes: body['eventTypes'] === undefined ? [] : parseEventTypes(body['eventTypes']),
    ...(body['minSeverity'] === undefined ? {} : { minSeverity: parseSeverity(body['minSeverity']) }),
    ...(body['repositoryPattern'] === undefined ? {} : { repositoryPattern: parsePattern(body['repositoryPattern'], org) }),
    format: body['format'] === undefined ? 'cloudevents' : parseFormat(body['format']),
    enabled: body['enabled'] === undefined ? true : parseEnabled(body['enabled']),
  }
}

function parsePatch(body: Record<string, unknown>, org: string, guard: DestinationGuard): WebhookPatch {
  refuseUnknown(body)
  if (body['secret'] !== undefined) throw bad('the secret cannot be changed: create a new webhook and delete this one', 'secret')
  const has = (k: string): boolean => body[k] !== undefined
  return {
    ...(has('url') ? { url: parseUrl(body['url'], guard) } : {}),
    ...(has('eventTypes') ? { eventTypes: parseEventTypes(body['eventTypes']) } : {}),
    ...(has('minSeverity') ? { minSeverity: body['minSeverity'] === null ? null : parseSeverity(body['minSeverity']) } : {}),
    ...(has('repositoryPattern') ? { repositoryPattern: body['repositoryPattern'] === null ? null : parsePattern(body['repositoryPattern'], org) } : {}),
    ...(has('format') ? { format: parseFormat(body['format']) } : {}),
    ...(has('enabled') ? { enabled: parseEnabled(body['enabled']) } : {}),
  }
}

/** Host only in the audit log: a URL may carry a token in its path. */
const hostOf = (url: string): string => (URL.canParse(url) ? new URL(url).host : '?')

export function registerWebhooksApi(app: FastifyInstance, deps: WebhooksApiDeps): void {
  const { webhooks, guard, auth } = deps
  const on = (): AuthService | undefined => (auth?.enabled === true ? auth : undefined)

  /** The org of the path, once the caller may manage it (undefined caller: access control off). */
  const authorize = async (request: FastifyRequest): Promise<{ org: string; caller: Principal | undefined }> => {
    const org = (request.params as { org?: string }).org ?? ''
    if (!NAME_RE.test(org) || org.length > 255) throw new RegistryError('NAME_INVALID', 'invalid org')
    const enabled = on()
    if (enabled === undefined) return { org, caller: undefined }
    const caller = await callerOf(enabled, request)
    await requirePermission(enabled, caller, { kind: 'namespace', org })
    return { org, caller }
  }
  const idParam = (request: FastifyRequest, key: 'id' | 'deliveryId'): string => {
    const v = (request.params as Record<string, string | undefined>)[key] ?? ''
    if (!ID_RE.test(v)) throw notFound(key === 'id' ? 'webhook' : 'delivery')
    return v
  }
  const audit = async (request: FastifyRequest, caller: Principal | undefined, action: string, detail: Record<string, unknown>): Promise<void> => {
    const enabled = on()
    if (enabled && caller) await enabled.audit({ actor: principalName(caller), action, address: clientAddress(request), detail })
  }
  const actorOf = (caller: Principal | undefined): string => (caller === undefined ? 'anonymous' : principalName(caller))

  app.post('/api/v1/orgs/:org/webhooks', async (request, reply) => {
    const { org, caller } = await authorize(request)
    const input = parseCreate(await readJsonObject(request), org, guard)
    const created = await webhooks.create(org, input, actorOf(caller))
    if (created === 'too-many') throw new RegistryError('DENIED', `namespace '${org}' has the most webhooks allowed; delete one first`, { status: 409 })
    const v = created.view
    await audit(request, caller, 'webhook.create', { id: v.id, namespace: org, host: hostOf(v.url), eventTypes: v.eventTypes, format: v.format, enabled: v.enabled })
    return json(reply, 201, { ...v, secret: created.secret })
  })

  app.get('/api/v1/orgs/:org/webhooks', async (request, reply) => {
    const { org } = await authorize(request)
    return json(reply, 200, { webhooks: await webhooks.list(org) })
  })

  app.get('/api/v1/orgs/:org/webhooks/:id', async (request, reply) => {
    const { org } = await authorize(request)
    const view = await webhooks.get(org, idParam(request, 'id'))
    if (view === undefined) throw notFound('webhook')
    return json(reply, 200, view)
  })

  app.patch('/api/v1/orgs/:org/webhooks/:id', async (request, reply) => {
    const { org, caller } = await authorize(request)
    const id = idParam(request, 'id')
    const patch = parsePatch(await readJsonObject(request), org, guard)
    const view = await webhooks.update(org, id, patch)
    if (view === undefined) throw notFound('webhook')
    await audit(request, caller, 'webhook.update', { id, namespace: org, changed: Object.keys(patch), enabled: view.enabled, host: hostOf(view.url) })
    return json(reply, 200, view)
  })

  app.delete('/api/v1/orgs/:org/webhooks/:id', async (request, reply) => {
    const { org, caller } = await authorize(request)
    const id = idParam(request, 'id')
    if (!(await webhooks.delete(org, id))) throw notFound('webhook')
    await audit(request, caller, 'webhook.delete', { id, namespace: org })
    return reply.code(204).send()
  })

  app.get('/api/v1/orgs/:org/webhooks/:id/deliveries', async (request, reply) => {
    const { org } = await authorize(request)
    const raw = (request.query as Record<string, string | undefined>)['limit']
    const limit = raw === undefined ? 50 : Number(raw)
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw bad("'limit' must be 1 to 100", 'limit')
    const list = await webhooks.deliveries(org, idParam(request, 'id'), limit)
    if (list === undefined) throw notFound('webhook')
    return json(reply, 200, { deliveries: list })
  })

  app.post('/api/v1/orgs/:org/webhooks/:id/deliveries/:deliveryId/redeliver', async (request, reply) => {
    const { org, caller } = await authorize(request)
    const id = idParam(request, 'id')
    const deliveryId = idParam(request, 'deliveryId')
    const again = await webhooks.redeliver(org, id, deliveryId)
    if (again === undefined) throw notFound('delivery')
    if (again === 'busy') throw new RegistryError('DENIED', 'an attempt of this delivery is in flight; try again when it is done', { status: 409 })
    await audit(request, caller, 'webhook.redeliver', { id, namespace: org, delivery: deliveryId })
    return json(reply, 202, again)
  })
}
