/**
 * Server-side AWS Signature Version 4 check (the ECR door, docs/ecr.md). The signature is
 * recomputed with @smithy/signature-v4 (the SDK's own signer) from the headers the client says it
 * signed, then compared in constant time. Checked on the way: the credential scope (date of
 * X-Amz-Date, the configured region, the service), the clock skew window, and the payload hash
 * (a client-sent X-Amz-Content-Sha256 must be the body's SHA-256: no UNSIGNED-PAYLOAD).
 * Failures carry AWS's exception names and messages, so the AWS CLI and SDKs print what they
 * print against AWS. Transport-agnostic: the caller hands in method, path, headers and body.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'

export interface SignedRequest {
  readonly method: string
  /** The path as sent, without the query. */
  readonly path: string
  readonly query: Readonly<Record<string, string | string[]>>
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: Uint8Array
}

export interface SigV4Policy {
  readonly region: string
  readonly service: string
  readonly now: Date
  readonly maxSkewMs: number
}

export type SigV4FailureType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'ExpiredTokenException'

export class SigV4Failure extends Error {
  readonly type: SigV4FailureType
  /**
   * Whether the request tried a secret or probed a key id (wrong signature, unknown key): what
   * the brute-force throttle counts. A malformed header, a skewed clock, another region or an
   * expired key guesses nothing.
   */
  readonly guess: boolean
  constructor(type: SigV4FailureType, message: string, guess = false) {
    super(message)
    this.type = type
    this.guess = guess
    this.name = 'SigV4Failure'
  }
}

/** What the key store answers for an access key id. */
export type KeyLookup = { readonly secret: string } | 'unknown' | 'expired'

interface ParsedAuthorization {
  readonly keyId: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: readonly string[]
  readonly signature: string
}

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/,\s]{1,128})\/(\d{8})\/([a-z0-9-]{1,32})\/([a-z0-9-]{1,32})\/aws4_request, ?SignedHeaders=([a-z0-9;_.-]{1,2048}), ?Signature=([0-9a-f]{64})$/
/** The access key id an Authorization header claims, before anything is verified (for the throttle). */
export function claimedKeyId(header: string | undefined): string | undefined {
  return AUTH_RE.exec(header?.trim() ?? '')?.[1]
}

const AMZ_DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined || header === '') throw new SigV4Failure('MissingAuthenticationTokenException', 'Missing Authentication Token')
  const m = AUTH_RE.exec(header.trim())
  if (!m) {
    throw new SigV4Failure('IncompleteSignatureException',
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters of an AWS4-HMAC-SHA256 signature.")
  }
  const [, keyId = '', date = '', region = '', service = '', signed = '', signature = ''] = m
  const signedHeaders = signed.split(';')
  if (!signedHeaders.includes('host') || signedHeaders.some((h) => h === '')) {
    throw new SigV4Failure('IncompleteSignatureException', "'Host' must be a signed header.")
  }
  return { keyId, date, region, service, signedHeaders, signature }
}

function parseAmzDate(value: string | undefined): Date {
  const m = AMZ_DATE_RE.exec(value ?? '')
  if (!m) throw new SigV4Failure('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
  const [, y, mo, d, h, mi, s] = m
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`)
  if (Number.isNaN(at.getTime())) throw new SigV4Failure('IncompleteSignatureException', 'X-Amz-Date is not a valid date.')
  return at
}

const amzDate = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')

function checkSkew(signedAt: Date, policy: SigV4Policy, raw: string): void {
  const minutes = Math.round(policy.maxSkewMs / 60_000)
  const now = policy.now.getTime()
  if (signedAt.getTime() < now - policy.maxSkewMs) {
    throw new SigV4Failure('InvalidSignatureException',
      `Signature expired: ${raw} is now earlier than ${amzDate(new Date(now - policy.maxSkewMs))} (${amzDate(policy.now)} - ${minutes} min.)`)
  }
  if (signedAt.getTime() > now + policy.maxSkewMs) {
    throw new SigV4Failure('InvalidSignatureException',
      `Signature not yet current: ${raw} is still later than ${amzDate(new Date(now + policy.maxSkewMs))} (${amzDate(policy.now)} + ${minutes} min.)`)
  }
}

function checkPayloadHash(req: SignedRequest): void {
  const claimed = req.headers['x-amz-content-sha256']
  if (claimed === undefined) return
  const actual = createHash('sha256').update(req.body).digest('hex')
  if (claimed !== actual) throw new SigV4Failure('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.')
}

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

/**
 * Resolves with the access key id when `req` is signed by a key `lookup` knows, for
 * `policy.region` and `policy.service`, within the skew window; rejects with SigV4Failure.
 */
export async function verifySigV4(req: SignedRequest, policy: SigV4Policy, lookup: (keyId: string) => Promise<KeyLookup>): Promise<string> {
  const auth = parseAuthorization(req.headers['authorization'])
  const rawDate = req.headers['x-amz-date'] ?? ''
  const signedAt = parseAmzDate(rawDate)
  if (rawDate.slice(0, 8) !== auth.date) {
    throw new SigV4Failure('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${rawDate.slice(0, 8)}', from '${rawDate}'.`)
  }
  if (auth.region !== policy.region) throw new SigV4Failure('InvalidSignatureException', `Credential should be scoped to a valid region. (expected '${policy.region}')`)
  if (auth.service !== policy.service) throw new SigV4Failure('InvalidSignatureException', `Credential should be scoped to correct service: '${policy.service}'.`)
  checkSkew(signedAt, policy, rawDate)
  const key = await lookup(auth.keyId)
  if (key === 'unknown') throw new SigV4Failure('UnrecognizedClientException', 'The security token included in the request is invalid.', true)
  if (key === 'expired') throw new SigV4Failure('ExpiredTokenException', 'The security token included in the request is expired')
  checkPayloadHash(req)
  const headers: Record<string, string> = {}
  for (const name of auth.signedHeaders) {
    const value = req.headers[name]
    if (value === undefined) throw new SigV4Failure('InvalidSignatureException', `Signed header '${name}' is missing from the request.`)
    headers[name] = value
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.keyId, secretAccessKey: key.secret },
    region: policy.region, service: policy.service, sha256: Sha256, applyChecksum: false,
  })
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: headers['host'] ?? '', path: req.path, query: { ...req.query }, headers, body: req.body },
    { signingDate: signedAt, signableHeaders: new Set(auth.signedHeaders) },
  )
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers['authorization']))?.[1] ?? ''
  const a = Buffer.from(expected, 'hex')
  const b = Buffer.from(auth.signature, 'hex')
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new SigV4Failure('InvalidSignatureException', MISMATCH, true)
  return auth.keyId
}
