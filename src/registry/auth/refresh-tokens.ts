/**
 * OAuth2 refresh tokens (distribution's docs/spec/auth/oauth.md): POST /token with
 * `grant_type=password&access_type=offline` returns one; `grant_type=refresh_token` exchanges it
 * for a registry token. Contract:
 *  - the value `ddf_<id>_<secret>` is shown once; only the SHA-256 of the secret is stored;
 *  - it is bound to its owner and to the `client_id` it was issued to (another client_id is refused);
 *  - it lives REFRESH_TOKEN_TTL_MS, and is void once revoked (DELETE /api/v1/tokens/{id}, a password
 *    change, deleting the owner) or once the owner or the robot is gone or expired;
 *  - issued through a personal access token or login password, it keeps that credential's limits
 *    and dies with it (revoked or expired);
 *  - it never carries permissions: each exchange re-checks the owner's current rights.
 * Every refusal is the same 401, so a caller learns nothing about which check failed.
 */
import { RegistryError } from '../../oci/errors.ts'
import type { AuthRepos } from '../metadata/auth-store.ts'
import type { Clock } from '../ports.ts'
import type { Principal } from './principal.ts'
import { generateCredential, parseCredential, secretMatches } from './secret-credential.ts'

/** 90 days: long enough for a CI runner's `docker login`, short enough to age out forgotten logins. */
export const REFRESH_TOKEN_TTL_MS = 90 * 24 * 3600 * 1000

/** RFC 6749 appendix A.1: client_id is printable ASCII (%x20-7E); we also cap its length. */
const CLIENT_ID = /^[\x20-\x7e]{1,128}$/

export function validClientId(v: string | null): v is string {
  return v !== null && CLIENT_ID.test(v)
}

type Refusal = { readonly failure: string }

export class RefreshTokens {
  readonly #repos: AuthRepos
  readonly #clock: Clock

  constructor(repos: AuthRepos, clock: Clock) {
    this.#repos = repos
    this.#clock = clock
  }

  /** Issues a refresh token for `p` (a user or robot) and `clientId`; returns the value (shown once) and its id. */
  async issue(p: Principal, clientId: string): Promise<{ id: string; value: string }> {
    if (p.kind === 'anonymous') throw new RegistryError('UNAUTHORIZED', 'refresh tokens need credentials')
    const cred = generateCredential('refresh')
    const now = this.#clock.now()
    await this.#repos.refreshTokens.create({
      id: cred.id, owner: p.name, clientId, secretHash: cred.secretHash, createdAt: now,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS),
      ...(p.kind === 'user' && p.token ? { credentialId: p.token.id } : {}),
    })
    return { id: cred.id, value: cred.value }
  }

  /** The principal a refresh token speaks for now; `{ failure }` (a reason for the audit log) when void. */
  async redeem(value: string, clientId: string): Promise<{ principal: Principal; id: string } | Refusal> {
    const parsed = parseCredential(value)
    if (parsed?.kind !== 'refresh') return { failure: 'malformed refresh token' }
    const t = await this.#repos.refreshTokens.get(parsed.id)
    if (!t || !secretMatches(parsed.secret, t.secretHash)) return { failure: 'unknown refresh token' }
    const now = this.#clock.now()
    if (t.revokedAt) return { failure: 'refresh token revoked' }
    if (t.expiresAt <= now) return { failure: 'refresh token expired' }
    if (t.clientId !== clientId) return { failure: 'refresh token of another client_id' }
    const principal = await this.#owner(t.owner, t.credentialId, now)
    if ('failure' in principal) return principal
    await this.#repos.refreshTokens.touch(t.id, now)
    return { principal, id: t.id }
  }

  async #owner(owner: string, credentialId: string | undefined, now: Date): Promise<Principal | Refusal> {
    if (owner.startsWith('robot$')) {
      const r = await this.#repos.robots.get(owner)
      if (!r || (r.expiresAt && r.expiresAt <= now)) return { failure: 'robot gone or expired' }
      return { kind: 'robot', name: r.name, org: r.org, grants: r.grants }
    }
    const u = await this.#repos.users.get(owner)
    if (!u) return { failure: 'user gone' }
    if (credentialId === undefined) return { kind: 'user', name: u.name, admin: u.admin }
    const c = await this.#repos.tokens.get(credentialId)
    if (!c || c.owner !== owner || c.revokedAt || c.expiresAt <= now) return { failure: 'underlying access token revoked or expired' }
    return { kind: 'user', name: u.name, admin: u.admin, token: { id: c.id, actions: c.actions, targets: c.targets } }
  }
}
