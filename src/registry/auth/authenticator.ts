/**
 * Checks presented credentials (a user name and a password, personal access token, login
 * password or robot secret) and returns the Principal. Every outcome is audited; failures feed
 * the login throttle. Errors never say which part was wrong for unknown users or bad passwords
 * (no user enumeration), and the secret is never logged or audited.
 */
import { RegistryError } from '../../oci/errors.ts'
import type { AuthRepos } from '../metadata/auth-store.ts'
import type { Clock } from '../ports.ts'
import type { LoginThrottle } from './login-throttle.ts'
import { dummyHash, verifyPassword } from './password-hasher.ts'
import type { Principal } from './principal.ts'
import { parseCredential, secretMatches } from './secret-credential.ts'

export interface LoginContext {
  /** Client address, for the audit log and per-address throttling. */
  readonly address: string
  /** Where the login happened (`token`, `api`), recorded in the audit detail. */
  readonly via: string
}

type Outcome = { readonly principal: Principal; readonly credential: string } | { readonly failure: string; readonly message?: string }

const MAX_NAME = 256
/** The user name ECR's clients send with GetAuthorizationToken's password. */
export const ECR_USERNAME = 'AWS'

export class Authenticator {
  readonly #repos: AuthRepos
  readonly #clock: Clock
  readonly #throttle: LoginThrottle

  constructor(repos: AuthRepos, clock: Clock, throttle: LoginThrottle) {
    this.#repos = repos
    this.#clock = clock
    this.#throttle = throttle
  }

  /** Resolves with the principal, or rejects with UNAUTHORIZED (401) or TOOMANYREQUESTS (429). */
  async login(username: string, secret: string, ctx: LoginContext): Promise<Principal> {
    const account = username.slice(0, MAX_NAME)
    const audit = (action: string, detail: Record<string, unknown>) =>
      this.#repos.audit.append({ at: this.#clock.now(), actor: account, action, address: ctx.address, detail: { via: ctx.via, ...detail } })
    const wait = await this.#throttle.retryAfter(account, ctx.address)
    if (wait > 0) {
      await audit('login.throttled', { retryAfterMs: wait })
      throw new RegistryError('TOOMANYREQUESTS', 'too many failed logins; try again later', {
        headers: { 'Retry-After': String(Math.ceil(wait / 1000)) },
      })
    }
    const outcome = await this.#check(username, secret)
    if ('failure' in outcome) {
      // A correct secret that has expired or been revoked is not a guess: it does not count.
      if (outcome.message === undefined) await this.#throttle.failed(account, ctx.address)
      await audit('login.failure', { reason: outcome.failure })
      throw new RegistryError('UNAUTHORIZED', outcome.message ?? 'invalid username or password')
    }
    await this.#throttle.succeeded(account, ctx.address)
    await audit('login.success', { credential: outcome.credential })
    return outcome.principal
  }

  /**
   * `docker login --username AWS` with GetAuthorizationToken's password (ecr/operations/
   * authorization.ts): a login password whose owner (a user or a robot) is in its record, since
   * ECR's clients always send the name `AWS` (no Drydock name can be upper case).
   */
  async #checkEcrPassword(parsed: ReturnType<typeof parseCredential>, now: Date): Promise<Outcome> {
    const token = parsed?.kind === 'login' ? await this.#repos.tokens.get(parsed.id) : undefined
    if (!parsed || !token || token.kind !== 'login' || !secretMatches(parsed.secret, token.secretHash)) return { failure: 'bad token' }
    if (token.revokedAt) return { failure: 'token revoked', message: 'token revoked' }
    if (token.expiresAt <= now) return { failure: 'token expired', message: 'token expired' }
    const limits = { id: token.id, actions: token.actions, targets: token.targets }
    if (token.owner.startsWith('robot$')) {
      // A robot has no token limits of its own to carry: its grants are its limits.
      const robot = await this.#repos.robots.get(token.owner)
      if (!robot) return { failure: 'bad token' }
      if (robot.expiresAt && robot.expiresAt <= now) return { failure: 'robot expired', message: 'robot account expired' }
      await this.#repos.tokens.touch(token.id, now)
      return { principal: { kind: 'robot', name: robot.name, org: robot.org, grants: robot.grants }, credential: `login:${token.id}` }
    }
    const user = await this.#repos.users.get(token.owner)
    if (!user) return { failure: 'bad token' }
    await this.#repos.tokens.touch(token.id, now)
    return { principal: { kind: 'user', name: user.name, admin: user.admin, token: limits }, credential: `login:${token.id}` }
  }

  async #check(username: string, secret: string): Promise<Outcome> {
    if (username === '' || username.length > MAX_NAME) return { failure: 'bad user name' }
    const parsed = parseCredential(secret)
    const now = this.#clock.now()
    if (username.startsWith('robot$')) {
      const robot = await this.#repos.robots.get(username)
      if (!robot || parsed?.kind !== 'robot' || !secretMatches(parsed.secret, robot.secretHash)) return { failure: 'bad robot secret' }
      if (robot.expiresAt && robot.expiresAt <= now) return { failure: 'robot expired', message: 'robot account expired' }
      return { principal: { kind: 'robot', name: robot.name, org: robot.org, grants: robot.grants }, credential: 'robot' }
    }
    if (username === ECR_USERNAME) return this.#checkEcrPassword(parsed, now)
    const user = await this.#repos.users.get(username)
    if (parsed && (parsed.kind === 'pat' || parsed.kind === 'login')) {
      const token = await this.#repos.tokens.get(parsed.id)
      if (!user || !token || token.owner !== username || !secretMatches(parsed.secret, token.secretHash)) return { failure: 'bad token' }
      if (token.revokedAt) return { failure: 'token revoked', message: 'token revoked' }
      if (token.expiresAt <= now) return { failure: 'token expired', message: 'token expired' }
      await this.#repos.tokens.touch(token.id, now)
      const limits = { id: token.id, actions: token.actions, targets: token.targets }
      return { principal: { kind: 'user', name: user.name, admin: user.admin, token: limits }, credential: `${token.kind}:${token.id}` }
    }
    // Hash even for unknown users, so response time does not tell whether the name exists.
    const ok = await verifyPassword(secret, user?.passwordHash ?? (await dummyHash()))
    if (!user || !ok) return { failure: user ? 'bad password' : 'unknown user' }
    return { principal: { kind: 'user', name: user.name, admin: user.admin }, credential: 'password' }
  }
}
