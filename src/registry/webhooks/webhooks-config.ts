/**
 * The config file's `webhooks` section (docs/events.md "Configuration"):
 *   "webhooks": {
 *     "enabled": true,
 *     "maxAttempts": 8,
 *     "retryBaseDelay": "10s",
 *     "timeout": "10s",
 *     "allowedDestinations": ["hooks.internal.example", "10.20.0.0/16", "127.0.0.1"]
 *   }
 * `allowedDestinations` opens private, loopback and link-local destinations, which are refused
 * by default (destination-guard.ts): a host name (or `*.suffix`), an address or a CIDR block.
 */
import { isIP } from 'node:net'
import { parseCount, parseDuration } from '../config/parse-units.ts'

export interface WebhooksConfig {
  /** Off: no events are delivered and /api/v1/orgs/{org}/webhooks answers 404. */
  readonly enabled: boolean
  /** Attempts per delivery before it is marked FAILED (a redelivery by hand starts a new budget). */
  readonly maxAttempts: number
  /** Backoff before attempt n+1: retryBaseDelay × 2^(n-1), ±20 % jitter, at most MAX_RETRY_DELAY_MS. */
  readonly retryBaseDelayMs: number
  /** Whole attempt, connection to last byte read (the body read stops after 1 KiB). */
  readonly timeoutMs: number
  readonly allowedDestinations: readonly string[]
}

export const DEFAULT_WEBHOOKS: WebhooksConfig = { enabled: true, maxAttempts: 8, retryBaseDelayMs: 10_000, timeoutMs: 10_000, allowedDestinations: [] }

const HOST = /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/

/** A destination entry is a host name, `*.suffix`, an IP address or a CIDR block. */
export function isDestinationEntry(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/')
  if (extra !== undefined || addr === undefined) return false
  if (bits !== undefined) {
    const family = isIP(addr)
    return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)
  }
  return isIP(addr) !== 0 || HOST.test(addr)
}

/** The raw section → WebhooksConfig. Throws Error with a user-facing message. */
export function webhooksConfig(raw: { enabled?: unknown; maxAttempts?: unknown; retryBaseDelay?: unknown; timeout?: unknown; allowedDestinations?: unknown }): WebhooksConfig {
  const d = DEFAULT_WEBHOOKS
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') throw new Error(`webhooks.enabled must be true or false, not ${JSON.stringify(raw.enabled)}`)
  const maxAttempts = raw.maxAttempts === undefined ? d.maxAttempts : parseCount(raw.maxAttempts, 'webhooks.maxAttempts')
  if (maxAttempts < 1 || maxAttempts > 50) throw new Error('webhooks.maxAttempts must be between 1 and 50')
  const retryBaseDelayMs = raw.retryBaseDelay === undefined ? d.retryBaseDelayMs : parseDuration(raw.retryBaseDelay, 'webhooks.retryBaseDelay')
  const timeoutMs = raw.timeout === undefined ? d.timeoutMs : parseDuration(raw.timeout, 'webhooks.timeout')
  if (timeoutMs < 100 || timeoutMs > 120_000) throw new Error('webhooks.timeout must be between 100ms and 2m')
  let allowedDestinations = d.allowedDestinations
  if (raw.allowedDestinations !== undefined) {
    if (!Array.isArray(raw.allowedDestinations) || raw.allowedDestinations.length > 256) throw new Error('webhooks.allowedDestinations must be a list of at most 256 entries')
    allowedDestinations = raw.allowedDestinations.map((e: unknown, i) => {
      const entry = typeof e === 'string' ? e.trim().toLowerCase() : ''
      if (!isDestinationEntry(entry)) throw new Error(`webhooks.allowedDestinations[${i}] must be a host name, *.suffix, an IP address or a CIDR block, got ${JSON.stringify(e)}`)
      return entry
    })
  }
  return { enabled: raw.enabled === undefined ? d.enabled : raw.enabled, maxAttempts, retryBaseDelayMs, timeoutMs, allowedDestinations }
}
