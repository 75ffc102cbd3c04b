/**
 * Access keys for SigV4 (docs/ecr.md "Access keys"): issued for a user or a robot, the secret
 * returned once and kept sealed (secret-box.ts), optional expiry, last-used time. A key speaks for
 * its owner with the owner's rights, exactly as the owner's password or robot secret does
 * (permissions.ts applies as on every door); it dies with its owner. Who may create, list and
 * delete keys is decided by the API routes through permissions.ts mayManage.
 *
 * Guessing is throttled by the same LoginThrottle (and the same persisted counters) as password
 * logins, with the claimed key id as the account: a wrong signature or an unknown key id counts
 * per (key id, address), and distinct key ids count towards the address's ceiling together with
 * the account names that failed from it on the other doors.
 */
import { RegistryError } from '../../../oci/errors.ts'
import type { AccessKeyRecord, AccessKeyRepo } from '../../metadata/access-key-store.ts'
import type { AuthRepos } from '../../metadata/auth-store.ts'
import type { Clock } from '../../ports.ts'
import type { LoginThrottle } from '../login-throttle.ts'
import type { Principal } from '../principal.ts'
import { newAccessKeyId, newSecretAccessKey } from './access-key-credential.ts'
import type { SecretBox } from './secret-box.ts'
import { claimedKeyId, SigV4Failure, verifySigV4, type KeyLookup, type SignedRequest, type SigV4Policy } from './sigv4-verifier.ts'

export interface IssuedAccessKey {
  readonly record: AccessKeyRecord
  /** Shown once, never stored in clear. */
  readonly secretAccessKey: string
}

export class AccessKeyService {
  readonly #keys: AccessKeyRepo
  readonly #auth: AuthRepos
  readonly #box: SecretBox
  readonly #clock: Clock
  readonly #throttle: LoginThrottle

  constructor(keys: AccessKeyRepo, auth: AuthRepos, box: SecretBox, clock: Clock, throttle: LoginThrottle) {
    this.#keys = keys
    this.#auth = auth
    this.#box = box
    this.#clock = clock
    this.#throttle = throttle
  }

  async create(owner: string, expiresAt?: Date): Promise<IssuedAccessKey> {
    for (;;) {
      const id = newAccessKeyId()
      const secretAccessKey = newSecretAccessKey()
      const record: AccessKeyRecord = {
        id, owner, sealedSecret: await this.#box.seal(id, secretAccessKey), createdAt: this.#clock.now(), ...(expiresAt ? { expiresAt } : {}),
      }
      // 80 random bits: a collision is next to impossible, but never hand out someone else's id.
      if (await this.#keys.create(record)) return { record, secretAccessKey }
    }
  }

  get(id: string): Promise<AccessKeyRecord | undefined> {
    return this.#keys.get(id)
  }

  list(owner: string): Promise<readonly AccessKeyRecord[]> {
    return this.#keys.listByOwner(owner)
  }

  delete(id: string): Promise<boolean> {
    return this.#keys.delete(id)
  }

  /**
   * Verifies the request's SigV4 signature and returns the key's owner as a Principal; rejects
   * with SigV4Failure (unknown key or owner gone: UnrecognizedClientException; expired key or
   * robot: ExpiredTokenException; bad signature, scope or clock: InvalidSignatureException), or,
   * while guesses from `address` at the claimed key id are throttled, with TOOMANYREQUESTS
   * (RegistryError, carrying Retry-After) without checking anything.
   */
  async authenticate(req: SignedRequest, policy: Omit<SigV4Policy, 'now'>, address: string): Promise<{ readonly principal: Principal; readonly keyId: string }> {
    const claimed = claimedKeyId(req.headers['authorization'])
    // Without a key id in the header nothing can be guessed; the malformed header is refused below.
    const account = claimed === undefined ? undefined : throttleAccount(claimed)
    const wait = account === undefined ? 0 : await this.#throttle.retryAfter(account, address)
    if (wait > 0) {
      throw new RegistryError('TOOMANYREQUESTS', 'Rate exceeded: too many failed signatures; try again later', {
        headers: { 'Retry-After': String(Math.ceil(wait / 1000)) },
      })
    }
    try {
      const ok = await this.#verify(req, policy)
      if (account !== undefined) await this.#throttle.succeeded(account, address)
      return ok
    } catch (err) {
      if (account !== undefined && err instanceof SigV4Failure && err.guess) await this.#throttle.failed(account, address)
      throw err
    }
  }

  async #verify(req: SignedRequest, policy: Omit<SigV4Policy, 'now'>): Promise<{ readonly principal: Principal; readonly keyId: string }> {
    const now = this.#clock.now()
    let principal: Principal | undefined
    const lookup = async (keyId: string): Promise<KeyLookup> => {
      const key = await this.#keys.get(keyId)
      const secret = key && (await this.#box.open(key.id, key.sealedSecret))
      if (!key || secret === undefined) return 'unknown'
      const owner = await this.#owner(key.owner, key.createdAt)
      if (owner === undefined) return 'unknown'
      if ((key.expiresAt && key.expiresAt <= now) || owner === 'expired') return 'expired'
      principal = owner
      return { secret }
    }
    const keyId = await verifySigV4(req, { ...policy, now }, lookup)
    if (!principal) throw new SigV4Failure('UnrecognizedClientException', 'The security token included in the request is invalid.')
    await this.#keys.touch(keyId, now)
    return { principal, keyId }
  }

  /**
   * The key's owner, if it still exists. A user or robot deleted and made again under the same
   * name is another account: keys older than the account do not speak for it.
   */
  async #owner(name: string, keyCreatedAt: Date): Promise<Principal | 'expired' | undefined> {
    if (name.startsWith('robot$')) {
      const r = await this.#auth.robots.get(name)
      if (!r || r.createdAt > keyCreatedAt) return undefined
      if (r.expiresAt && r.expiresAt <= this.#clock.now()) return 'expired'
      return { kind: 'robot', name: r.name, org: r.org, grants: r.grants }
    }
    const u = await this.#auth.users.get(name)
    return u && u.createdAt <= keyCreatedAt ? { kind: 'user', name: u.name, admin: u.admin } : undefined
  }
}

/**
 * The throttle's account for a key id: prefixed, so a key id claimed in a header can never share
 * a counter with a user or robot of that name.
 */
const throttleAccount = (keyId: string): string => `access-key:${keyId}`
