/**
 * The ECR door's configuration (docs/ecr.md): the account id and region repository URIs and ARNs
 * are built from (and SigV4 scopes are checked against), how long GetAuthorizationToken's
 * password lives, the clock skew SigV4 accepts, and the public URL clients reach the registry at
 * (proxyEndpoint, repositoryUri); without it, the URL the request came in on; and the registry's
 * scanning type, which picks the findings shape DescribeImageScanFindings answers with, as ECR's
 * registry scanning configuration does (BASIC: `findings`; ENHANCED: `enhancedFindings`).
 */
import { parseDuration } from '../config/parse-units.ts'
import type { EcrScanType } from '../scanning/ecr-findings.ts'

export interface EcrConfig {
  /** 12 digits. */
  readonly accountId: string
  readonly region: string
  readonly authorizationTokenTtlMs: number
  readonly maxClockSkewMs: number
  /** How long a GetDownloadUrlForLayer URL works (docs/ecr.md "Layer download URLs"). */
  readonly downloadUrlTtlMs: number
  /** `https://registry.example.com` (no path); absent: the request's own scheme and Host. */
  readonly publicUrl?: string
  /** BASIC or ENHANCED (ECR's registry scanning type); the same stored scans either way. */
  readonly scanType: EcrScanType
}

export const DEFAULT_ECR: EcrConfig = {
  accountId: '000000000000',
  region: 'us-east-1',
  authorizationTokenTtlMs: 12 * 60 * 60 * 1000,
  maxClockSkewMs: 15 * 60 * 1000,
  downloadUrlTtlMs: 10 * 60 * 1000,
  scanType: 'BASIC',
}

export interface RawEcrSettings {
  readonly accountId?: unknown
  readonly region?: unknown
  readonly authorizationTokenTtl?: unknown
  readonly maxClockSkew?: unknown
  readonly downloadUrlTtl?: unknown
  readonly publicUrl?: unknown
  readonly scanType?: unknown
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
  const downloadTtl = raw.downloadUrlTtl === undefined ? d.downloadUrlTtlMs : parseDuration(raw.downloadUrlTtl, 'ecr download url ttl')
  // A bearer URL for a blob: minutes, not days.
  if (downloadTtl <= 0 || downloadTtl > 12 * 60 * 60 * 1000) throw new Error('ecr download url ttl must be more than 0 and at most 12h')
  let publicUrl: string | undefined
  if (raw.publicUrl !== undefined) {
    const u = URL.parse(String(raw.publicUrl))
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || (u.pathname !== '/' && u.pathname !== '') || u.search || u.username) {
      throw new Error('ecr public url must be http(s)://HOST[:PORT] without a path')
    }
    publicUrl = `${u.protocol}//${u.host}`
  }
  const scanType = raw.scanType === undefined ? d.scanType : String(raw.scanType).toUpperCase()
  if (scanType !== 'BASIC' && scanType !== 'ENHANCED') throw new Error(`ecr scan type '${scanType.slice(0, 32)}' must be BASIC or ENHANCED`)
  return { accountId, region, authorizationTokenTtlMs: ttl, maxClockSkewMs: skew, downloadUrlTtlMs: downloadTtl, scanType, ...(publicUrl ? { publicUrl } : {}) }
}
