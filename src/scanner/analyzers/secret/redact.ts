/**
 * Secrets never leave the scanner: a finding keeps at most 4 leading characters (fewer for short
 * secrets, so that at least three quarters stay hidden) followed by `****`, and a fingerprint,
 * the first 16 hex digits of the secret's sha256, so that the same secret can be recognised
 * across images and allowlisted without storing it.
 */
import { createHash } from 'node:crypto'

export const REDACTED_MARK = '****'

export function redactSecret(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 4))
  return `${secret.slice(0, keep)}${REDACTED_MARK}`
}

export function fingerprintSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 16)}`
}
