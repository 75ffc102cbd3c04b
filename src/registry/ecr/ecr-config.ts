/**
 * The ECR door's configuration (docs/ecr.md): the account id and region repository URIs and ARNs
 * are built from (and SigV4 scopes are checked against), how long GetAuthorizationToken's
 * password lives, the clock skew SigV4 accepts, and the public URL clients reach the registry at
 * (proxyEndpoint, repositoryUri); without it, the URL the request came in on.
 */
import { parseDuration } from '../config/parse-units.ts'

export interface EcrConfig {
  /** 12 digits. */
  readonly accountId: string
  readonly region: string
  readonly authorizationTokenTtlMs: number
  readonly maxClockSkewMs: number
  /** `https://registry.example.com` (no path); absent: the request's own scheme and Host. */
  readonly publicUrl?: string
}

export const DEFAULT_ECR: EcrConfig = {
  accountId: '000000000000',
  region: 'us-east-1',
  authorizationTokenTtlMs: 12 * 60 * 60 * 1000,
  maxClockSkewMs: 15 * 60 * 1000,
}

export interface RawEcrSettings {
  readonly accountId?: unknown
  readonly region?: unknown
  readonly authorizationTokenTtl?: unknown
  readonly maxClockSkew?: unknown
  readonly publicUrl?: unknown
}

/** Throws Error with a user-facing message on bad values. */
export function ecrConfig(raw: RawEcrSettings): EcrConfig {
  const d = DEFAULT_ECR
  const accountId = raw.accountId === undefined ? d.accountId : String(raw.accountId)
  if (!/^[0-9]{12}$/.test(accountId)) throw new Error('ecr account id must be 12 digits')
  const region = raw.region === undefined ? d.region : String(raw.region)
  if (!/^[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}$/.test(region)) throw new Error(`ecr region '${region.slice(0, 32)}' is not a region name (like us-east-1)`)
  const ttl = raw.authorizationTokenTtl === undefined ? d.authorizationTokenTtlMs : parseDuration(raw.authorizationTokenTtl, 'ecr authorization token ttl')
  if (ttl <= 0) throw new Error('ecr authorization token ttl must be more than 0')
  const skew = raw.maxClockSkew === undefined ? d.maxClockSkewMs : parseDuration(raw.maxClockSkew, 'ecr max clock skew')
  if (skew <= 0 || skew > 60 * 60 * 1000) throw new Error('ecr max clock skew must be more than 0 and at most 1h')
  let publicUrl: string | undefined
  if (raw.publicUrl !== undefined) {
    const u = URL.parse(String(raw.publicUrl))
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || (u.pathname !== '/' && u.pathname !== '') || u.search || u.username) {
      throw new Error('ecr public url must be http(s)://HOST[:PORT] without a path')
    }
    publicUrl = `${u.protocol}//${u.host}`
  }
  return { accountId, region, authorizationTokenTtlMs: ttl, maxClockSkewMs: skew, ...(publicUrl ? { publicUrl } : {}) }
}
