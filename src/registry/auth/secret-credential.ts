/**
 * Generated secrets: personal access tokens (`ddp_`), login passwords (`ddl_`), robot
 * secrets (`ddr_`) and OAuth2 refresh tokens (`ddf_`). Shape: `<prefix>_<id>_<secret>`, where the 12-character id is stored in
 * clear (listings, revocation, lookup) and only the SHA-256 of the 43-character secret is kept.
 * The secret has 256 bits of entropy, so a plain SHA-256 is enough (no slow hash needed), and
 * the typed prefix lets secret scanners spot a leaked token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { decodeBase64Url } from './strict-base64.ts'

export const CREDENTIAL_PREFIXES = { pat: 'ddp', login: 'ddl', robot: 'ddr', refresh: 'ddf' } as const
export type CredentialKind = keyof typeof CREDENTIAL_PREFIXES

export interface GeneratedCredential {
  readonly id: string
  /** The full credential: shown once, never stored. */
  readonly value: string
  readonly secretHash: string
}

const ID_ALPHABET = 'abcdefghijkmnopqrstuvwxyz23456789'
const PATTERN = /^(ddp|ddl|ddr|ddf)_([a-z2-9]{12})_([A-Za-z0-9_-]{43})$/
const SECRET_BYTES = 32

function randomId(): string {
  const bytes = randomBytes(12)
  let id = ''
  for (const b of bytes) id += ID_ALPHABET[b % ID_ALPHABET.length]
  return id
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function generateCredential(kind: CredentialKind): GeneratedCredential {
  const id = randomId()
  const secret = randomBytes(32).toString('base64url')
  return { id, value: `${CREDENTIAL_PREFIXES[kind]}_${id}_${secret}`, secretHash: hashSecret(secret) }
}

export interface ParsedCredential {
  readonly kind: CredentialKind
  readonly id: string
  readonly secret: string
}

/** undefined when `value` does not have the shape of a generated credential (e.g. a password). */
export function parseCredential(value: string): ParsedCredential | undefined {
  const m = PATTERN.exec(value)
  // The secret as generated: 32 bytes in canonical base64url (its last character's two unused
  // bits zero). Only its hash is compared, so another spelling could never match anyway; refusing
  // it here keeps every credential to one spelling.
  if (!m || decodeBase64Url(m[3] ?? '')?.length !== SECRET_BYTES) return undefined
  const kind = (Object.keys(CREDENTIAL_PREFIXES) as CredentialKind[]).find((k) => CREDENTIAL_PREFIXES[k] === m[1])
  return kind && m[2] && m[3] ? { kind, id: m[2], secret: m[3] } : undefined
}

/** Constant-time check of a presented secret against a stored SHA-256 hex. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex')
  const b = Buffer.from(storedHash, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}
