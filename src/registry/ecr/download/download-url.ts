/**
 * Pre-signed layer download URLs (GetDownloadUrlForLayer; docs/ecr.md "Layer download URLs").
 * ECR answers with a pre-signed S3 URL that clients fetch without credentials; Drydock answers
 * with `<public URL>/ecr-download/<token>` on its own port, where the token is
 *
 *   v1.<base64url JSON [repository, digest, principal, expiry epoch s]>.<base64url HMAC-SHA256>
 *
 * under a key of the data dir (`ecr-download-url.key`). The token is a bearer credential for one
 * blob until it expires, so it is short-lived, compared in constant time, never logged (the
 * request serializer redacts it, http/log-redaction.ts), and the download checks again that the
 * principal may still pull the repository: revoking the grant revokes the URLs minted under it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../../ports.ts'

/** The data dir file holding the MAC key (created on first use; deleting it voids every URL). */
export const DOWNLOAD_URL_KEY_FILE = 'ecr-download-url.key'
/** Where the download route listens; the token follows. */
export const DOWNLOAD_PATH = '/ecr-download/'
/** Longer tokens are refused before any work (a real one is a few hundred characters). */
const MAX_TOKEN_LENGTH = 2048
const VERSION = 'v1'
/** Binds the MAC to this use, should the key ever be shared with another. */
const CONTEXT = 'drydock ecr layer download\n'

export interface DownloadGrant {
  readonly repository: string
  readonly digest: string
  /** The principal the URL was minted for (its name, as in audit events). */
  readonly principal: string
  readonly expiresAt: Date
}

export type DownloadCheck =
  | { readonly ok: true; readonly grant: DownloadGrant }
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' }

export class DownloadUrlSigner {
  readonly #key: () => Promise<Buffer>
  readonly #clock: Clock
  readonly ttlMs: number

  constructor(key: () => Promise<Buffer>, clock: Clock, ttlMs: number) {
    this.#key = key
    this.#clock = clock
    this.ttlMs = ttlMs
  }

  /** A token for `digest` in `repository`, valid ttlMs from now. */
  async sign(repository: string, digest: string, principal: string): Promise<{ readonly token: string; readonly expiresAt: Date }> {
    const expiry = Math.ceil((this.#clock.now().getTime() + this.ttlMs) / 1000)
    const payload = Buffer.from(JSON.stringify([repository, digest, principal, expiry])).toString('base64url')
    return { token: `${VERSION}.${payload}.${await this.#mac(payload)}`, expiresAt: new Date(expiry * 1000) }
  }

  /** The grant a token carries, once its MAC and expiry check out. */
  async verify(token: string): Promise<DownloadCheck> {
    const invalid = { ok: false, reason: 'invalid' } as const
    if (token.length > MAX_TOKEN_LENGTH) return invalid
    const [version, payload, mac, extra] = token.split('.')
    if (version !== VERSION || payload === undefined || mac === undefined || extra !== undefined) return invalid
    const expected = Buffer.from(await this.#mac(payload), 'base64url')
    const given = Buffer.from(mac, 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid
    let fields: unknown
    try {
      fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    } catch {
      return invalid
    }
    if (!Array.isArray(fields) || fields.length !== 4) return invalid
    const [repository, digest, principal, expiry] = fields as unknown[]
    if (typeof repository !== 'string' || typeof digest !== 'string' || typeof principal !== 'string' || !Number.isSafeInteger(expiry)) return invalid
    const expiresAt = new Date((expiry as number) * 1000)
    if (this.#clock.now().getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' }
    return { ok: true, grant: { repository, digest, principal, expiresAt } }
  }

  async #mac(payload: string): Promise<string> {
    return createHmac('sha256', await this.#key()).update(`${CONTEXT}${VERSION}.${payload}`).digest('base64url')
  }
}
