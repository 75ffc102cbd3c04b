/**
 * Registry tokens: compact JWS signed with Ed25519 (`alg: EdDSA`), as the distribution token
 * spec describes (iss, sub, aud, exp, nbf, iat, jti and the `access` claim). Clients treat the
 * token as opaque; only Drydock verifies it. `kid` names the signing key so that keys can rotate
 * while older tokens stay valid until they expire.
 */
import { sign, verify, type KeyObject } from 'node:crypto'
import { decodeBase64Url } from './strict-base64.ts'

export interface AccessEntry {
  readonly type: 'repository' | 'registry'
  readonly name: string
  /** Exactly the granted actions; may be empty (asked for, nothing granted). */
  readonly actions: readonly string[]
}

export interface TokenClaims {
  readonly iss: string
  /** The principal (user, `robot$…`) or '' for anonymous. */
  readonly sub: string
  readonly aud: string
  readonly exp: number
  readonly nbf: number
  readonly iat: number
  readonly jti: string
  readonly access: readonly AccessEntry[]
  /** Drydock's own claim: the limits of the personal access token the login used. */
  readonly lim?: { readonly id: string; readonly actions: readonly string[]; readonly targets: readonly string[] }
}

const HEADER_MAX = 256
const TOKEN_MAX = 16 * 1024
/** An Ed25519 signature is always 64 bytes (RFC 8032 §5.1.6). */
const SIGNATURE_BYTES = 64

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

export function signJwt(claims: TokenClaims, kid: string, key: KeyObject): string {
  const input = `${b64({ alg: 'EdDSA', typ: 'JWT', kid })}.${b64(claims)}`
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError'
}

// Strict decoding throughout: one spelling per token, so nothing can be appended to or changed
// in a token that still verifies (strict-base64.ts). JSON text must be valid UTF-8.
const UTF8 = new TextDecoder('utf-8', { fatal: true })

function parsePart(part: string, max: number): Record<string, unknown> {
  if (part.length > max) throw new InvalidTokenError('token part too large')
  const bytes = decodeBase64Url(part)
  if (bytes === undefined) throw new InvalidTokenError('malformed token')
  const v: unknown = JSON.parse(UTF8.decode(bytes))
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidTokenError('token part is not an object')
  return v as Record<string, unknown>
}

/**
 * Checks shape, signature (key chosen by `kid`), audience and time window.
 * Throws InvalidTokenError with a short reason (safe to log; never the token itself).
 */
export function verifyJwt(token: string, keyFor: (kid: string) => KeyObject | undefined, audience: string, nowSeconds: number): TokenClaims {
  if (token.length > TOKEN_MAX) throw new InvalidTokenError('token too large')
  const parts = token.split('.')
  if (parts.length !== 3) throw new InvalidTokenError('malformed token')
  const [h = '', p = '', s = ''] = parts
  let header: Record<string, unknown>
  let claims: Record<string, unknown>
  try {
    header = parsePart(h, HEADER_MAX)
    claims = parsePart(p, TOKEN_MAX)
  } catch (err) {
    throw err instanceof InvalidTokenError ? err : new InvalidTokenError('malformed token')
  }
  // Only our algorithm: no `none`, no algorithm confusion.
  if (header['alg'] !== 'EdDSA' || typeof header['kid'] !== 'string') throw new InvalidTokenError('unsupported token header')
  const key = keyFor(header['kid'])
  if (!key) throw new InvalidTokenError('unknown signing key')
  const signature = decodeBase64Url(s)
  if (signature?.length !== SIGNATURE_BYTES || !verify(null, Buffer.from(`${h}.${p}`), key, signature)) throw new InvalidTokenError('bad signature')
  if (claims['aud'] !== audience) throw new InvalidTokenError('wrong audience')
  const exp = claims['exp']
  const nbf = claims['nbf']
  if (typeof exp !== 'number' || exp <= nowSeconds) throw new InvalidTokenError('token expired')
  // A little leeway for clock skew between nodes.
  if (typeof nbf === 'number' && nbf > nowSeconds + 30) throw new InvalidTokenError('token not yet valid')
  if (typeof claims['sub'] !== 'string' || !Array.isArray(claims['access'])) throw new InvalidTokenError('malformed claims')
  return claims as unknown as TokenClaims
}
