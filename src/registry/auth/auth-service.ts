/**
 * The access-control domain in one place for the HTTP layer: logins, registry token issue and
 * verification, permission checks and the audit log. Transport-agnostic: no Fastify here.
 */
import { randomUUID } from 'node:crypto'
import { RegistryError } from '../../oci/errors.ts'
import type { AuthConfig } from '../config/config.ts'
import type { AuditEvent, AuthRepos, TokenAction } from '../metadata/auth-store.ts'
import type { Clock } from '../ports.ts'
import { Authenticator, type LoginContext } from './authenticator.ts'
import { KeyRing } from './key-ring.ts'
import { LoginThrottle } from './login-throttle.ts'
import { hashPassword } from './password-hasher.ts'
import { allowedActions, type PermissionSources } from './permissions.ts'
import { ANONYMOUS, principalName, type Principal } from './principal.ts'
import { RefreshTokens } from './refresh-tokens.ts'
import { signJwt, verifyJwt, type AccessEntry, type TokenClaims } from './registry-jwt.ts'
import type { Scope } from './scope.ts'

export interface IssuedToken {
  readonly token: string
  readonly expiresIn: number
  readonly issuedAt: string
  readonly access: readonly AccessEntry[]
}

export class AuthService {
  readonly config: AuthConfig
  readonly repos: AuthRepos
  readonly keys: KeyRing
  readonly #clock: Clock
  readonly #authenticator: Authenticator
  readonly permissions: PermissionSources
  readonly refreshTokens: RefreshTokens
  /** The brute-force throttle of password logins, shared with the other credential checks (SigV4 access keys). */
  readonly loginThrottle: LoginThrottle
  #enabled = false

  constructor(config: AuthConfig, repos: AuthRepos, clock: Clock) {
    this.config = config
    this.repos = repos
    this.#clock = clock
    this.keys = new KeyRing(repos.keys, clock, config.tokenTtlMs)
    this.refreshTokens = new RefreshTokens(repos, clock)
    this.loginThrottle = new LoginThrottle(clock, {
      perAccountAndAddress: config.lockoutThreshold,
      accountsPerAddress: config.lockoutAccountsPerAddress,
    }, repos.loginFailures)
    this.#authenticator = new Authenticator(repos, clock, this.loginThrottle)
    this.permissions = {
      grantsOfUser: (user) => repos.orgs.grantsOfUser(user),
      isPublic: (repo) => repos.publicRepos.isPublic(repo),
    }
  }

  /** Whether /v2 is protected (decided by start(): mode on, or auto with at least one user). */
  get enabled(): boolean {
    return this.#enabled
  }

  /** Creates the bootstrap admin if configured and missing, loads the signing keys, decides `enabled`. */
  async start(): Promise<void> {
    const admin = this.config.bootstrapAdmin
    if (admin && !(await this.repos.users.get(admin.user))) {
      await this.repos.users.create({ name: admin.user, passwordHash: await hashPassword(admin.password), admin: true, createdAt: this.#clock.now() })
      await this.audit({ actor: 'system', action: 'user.create', detail: { user: admin.user, admin: true, via: 'bootstrap' } })
    }
    this.#enabled = this.config.mode === 'on' || (this.config.mode === 'auto' && (await this.repos.users.count()) > 0)
    if (this.#enabled) await this.keys.load()
  }

  login(username: string, secret: string, ctx: LoginContext): Promise<Principal> {
    return this.#authenticator.login(username, secret, ctx)
  }

  /**
   * Exchanges a refresh token (refresh-tokens.ts) for its principal; audited like a login
   * (`login.success` / `login.failure`, via `refresh`). Rejects with UNAUTHORIZED (401).
   */
  async refresh(value: string, clientId: string, ctx: LoginContext): Promise<Principal> {
    const r = await this.refreshTokens.redeem(value, clientId)
    if ('failure' in r) {
      await this.audit({ actor: 'anonymous', action: 'login.failure', address: ctx.address, detail: { via: 'refresh', reason: r.failure } })
      throw new RegistryError('UNAUTHORIZED', 'invalid, expired or revoked refresh token')
    }
    await this.audit({ actor: principalName(r.principal), action: 'login.success', address: ctx.address, detail: { via: 'refresh', credential: `refresh:${r.id}`, clientId } })
    return r.principal
  }

  allowed(p: Principal, repo: string): Promise<string[]> {
    return allowedActions(p, repo, this.permissions)
  }

  /** A registry token granting, per requested scope, exactly what `p` may do there. */
  async issueToken(p: Principal, scopes: readonly Scope[]): Promise<IssuedToken> {
    const access: AccessEntry[] = []
    for (const s of scopes) {
      if (s.type === 'registry') {
        // The catalog is filtered per caller, so any authenticated caller may list it.
        if (p.kind !== 'anonymous') access.push({ type: 'registry', name: 'catalog', actions: ['*'] })
        continue
      }
      const allowed = await this.allowed(p, s.name)
      access.push({ type: 'repository', name: s.name, actions: s.actions.filter((a) => allowed.includes(a)) })
    }
    const now = this.#clock.now()
    const iat = Math.floor(now.getTime() / 1000)
    const expiresIn = Math.floor(this.config.tokenTtlMs / 1000)
    const claims: TokenClaims = {
      iss: 'drydock',
      sub: p.kind === 'anonymous' ? '' : p.name,
      aud: this.config.service,
      exp: iat + expiresIn,
      nbf: iat,
      iat,
      jti: randomUUID(),
      access,
      ...(p.kind === 'user' && p.token ? { lim: p.token } : {}),
    }
    const { kid, key } = this.keys.active()
    return { token: signJwt(claims, kid, key), expiresIn, issuedAt: now.toISOString(), access }
  }

  /** Verifies a registry token; throws InvalidTokenError. */
  verifyToken(token: string): TokenClaims {
    return verifyJwt(token, (kid) => this.keys.publicKey(kid), this.config.service, Math.floor(this.#clock.now().getTime() / 1000))
  }

  /** The principal a verified token speaks for (anonymous when its subject no longer exists). */
  async principalOf(claims: TokenClaims): Promise<Principal> {
    if (claims.sub === '') return ANONYMOUS
    if (claims.sub.startsWith('robot$')) {
      const r = await this.repos.robots.get(claims.sub)
      return r ? { kind: 'robot', name: r.name, org: r.org, grants: r.grants } : ANONYMOUS
    }
    const u = await this.repos.users.get(claims.sub)
    if (!u) return ANONYMOUS
    const lim = claims.lim
    return { kind: 'user', name: u.name, admin: u.admin, ...(lim ? { token: { id: lim.id, actions: lim.actions as TokenAction[], targets: lim.targets } } : {}) }
  }

  /**
   * The user or robot named `name` as it is now (grants, admin flag), with no token limits;
   * anonymous when it no longer exists or (a robot) has expired. For credentials that carry a
   * name and are checked again each time they are used (pre-signed ECR download URLs).
   */
  async principalNamed(name: string): Promise<Principal> {
    if (name === '') return ANONYMOUS
    if (name.startsWith('robot$')) {
      const r = await this.repos.robots.get(name)
      if (!r || (r.expiresAt && r.expiresAt <= this.#clock.now())) return ANONYMOUS
      return { kind: 'robot', name: r.name, org: r.org, grants: r.grants }
    }
    const u = await this.repos.users.get(name)
    return u ? { kind: 'user', name: u.name, admin: u.admin } : ANONYMOUS
  }

  async audit(e: Omit<AuditEvent, 'at'>): Promise<void> {
    await this.repos.audit.append({ at: this.#clock.now(), ...e })
  }

  now(): Date {
    return this.#clock.now()
  }
}

export { ANONYMOUS }
