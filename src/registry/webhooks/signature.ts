/**
 * The signature of a webhook delivery (docs/events.md "Verifying a delivery"):
 *   X-Drydock-Timestamp: <unix seconds>
 *   X-Drydock-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<exact body bytes>")>
 * The timestamp is inside the signed string, so a receiver that refuses old timestamps (say,
 * older than 5 minutes) cannot be fed a captured delivery again later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'X-Drydock-Signature'
export const TIMESTAMP_HEADER = 'X-Drydock-Timestamp'

export function signBody(secret: string, timestamp: number, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`
}

/** For receivers written in TypeScript (and the tests): constant-time comparison. */
export function verifySignature(secret: string, timestamp: string, body: Buffer, signature: string): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false
  const expected = Buffer.from(signBody(secret, Number(timestamp), body))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
