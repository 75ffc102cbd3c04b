/**
 * PEM armour (RFC 7468): one labelled base64 block. Only the textual encoding; what the bytes
 * mean is up to the caller. Inputs are bounded so a hostile file cannot make us decode megabytes.
 */
import { TrustError } from '../trust-errors.ts'

/** Key files are a few hundred bytes; anything far larger is not a key. */
export const MAX_PEM_LENGTH = 64 * 1024

export interface PemBlock {
  readonly label: string
  readonly der: Buffer
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64')
  const lines = b64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/** Decodes the first PEM block in `text`; throws KEY_INVALID when there is none. */
export function decodePem(text: string): PemBlock {
  if (text.length > MAX_PEM_LENGTH) throw new TrustError('KEY_INVALID', `key file is larger than ${MAX_PEM_LENGTH} bytes`)
  const m = /-----BEGIN ([A-Z0-9 ]{1,64})-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----/.exec(text)
  if (!m) throw new TrustError('KEY_INVALID', 'not a PEM file (no BEGIN/END block)')
  return { label: m[1] ?? '', der: Buffer.from((m[2] ?? '').replace(/\s+/g, ''), 'base64') }
}
