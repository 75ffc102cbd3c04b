/**
 * The access-control part of the metadata store contract: identities (users, organizations,
 * teams, robots), credentials (personal access tokens, signing keys), grants, public
 * repositories and the append-only audit log. Secrets never reach the store in clear: passwords
 * arrive as scrypt strings, token and robot secrets as SHA-256 hex digests.
 *
 * As in store.ts: methods reject only on storage failure; "not found" is undefined or false.
 */

/** read → pull; write → pull+push; admin → pull+push+delete (and managing the namespace). */
export type Role = 'read' | 'write' | 'admin'

/**
 * What a grant applies to: `org/repo` (exactly that repository) or `org/*` (every repository
 * of the namespace, nested ones included).
 */
export type GrantTarget = string

export interface UserRecord {
  readonly name: string
  /** `scrypt$N$r$p$salt$hash` (see auth/password-hasher.ts). */
  readonly passwordHash: string
  readonly admin: boolean
  readonly createdAt: Date
}

export interface GrantRecord {
  readonly target: GrantTarget
  readonly role: Role
}

export interface RobotRecord {
  /** `robot$org+name` */
  readonly name: string
  readonly org: string
  /** SHA-256 hex of the secret part of the robot's credential. */
  readonly secretHash: string
  readonly grants: readonly GrantRecord[]
  readonly createdAt: Date
  readonly expiresAt?: Date
}

export type TokenAction = 'pull' | 'push' | 'delete' | 'admin'

export interface AccessTokenRecord {
  /** Public prefix id, the part of the token shown in listings. */
  readonly id: string
  /** User (or robot) the token acts for; it never has more rights than its owner. */
  readonly owner: string
  /** `pat`: personal access token; `login`: a `drydock login-password` password. */
  readonly kind: 'pat' | 'login'
  readonly description: string
  readonly secretHash: string
  readonly actions: readonly TokenAction[]
  /** `*`, `org/*` or `org/repo`; the token is useless elsewhere. */
  readonly targets: readonly string[]
  readonly createdAt: Date
  /** Mandatory: there are no eternal tokens. */
  readonly expiresAt: Date
  readonly revokedAt?: Date
  readonly lastUsedAt?: Date
}

export interface SigningKeyRecord {
  /** The JWT `kid`. */
  readonly kid: string
  /** PKCS#8 PEM; stays inside the data dir. */
  readonly privateKeyPem: string
  readonly publicKeyPem: string
  readonly createdAt: Date
  /** Set when a newer key replaced it; still verifies tokens until they expire. */
  readonly retiredAt?: Date
}

/**
 * A refresh token (OAuth2 `access_type=offline` at POST /token): long-lived, bound to its owner
 * and the client_id it was issued to, exchanged for registry tokens at POST /token.
 */
export interface RefreshTokenRecord {
  /** Public id (the `ddf_<id>_…` part), for listings and revocation. */
  readonly id: string
  /** User or robot the token speaks for. */
  readonly owner: string
  readonly clientId: string
  /** SHA-256 hex of the secret part. */
  readonly secretHash: string
  /** The personal access token / login password used at issue: its limits and life still apply. */
  readonly credentialId?: string
  readonly createdAt: Date
  readonly expiresAt: Date
  readonly revokedAt?: Date
  readonly lastUsedAt?: Date
}

/** Brute-force counter of one throttle key (`pair:ADDRESS|ACCOUNT` or `addr:ADDRESS`; auth/login-throttle.ts). */
export interface LoginFailureRecord {
  readonly key: string
  readonly failures: number
  /** 0 (epoch) while under the threshold. */
  readonly lockedUntil: Date
  readonly updatedAt: Date
}

export interface AuditEvent {
  readonly at: Date
  /** Who: a user, `robot$…`, `anonymous`, or the name a failed login claimed. */
  readonly actor: string
  /** e.g. `login.success`, `login.failure`, `token.create`, `token.revoke`, `repo.push`, `permission.change`. */
  readonly action: string
  readonly repository?: string
  /** Client address. */
  readonly address?: string
  /** Small, secret-free detail (ids, roles, reasons). */
  readonly detail?: Readonly<Record<string, unknown>>
}

export interface StoredAuditEvent extends AuditEvent {
  /** Increasing sequence number. */
  readonly id: number
}

export interface AuditQuery {
  readonly actor?: string
  readonly action?: string
  readonly repository?: string
  /** Inclusive lower bound. */
  readonly since?: Date
  /** Exclusive upper bound. */
  readonly until?: Date
  /** Events with a larger id only (paging). */
  readonly afterId?: number
  readonly limit: number
}

export interface UserRepo {
  /** false when the name is taken. */
  create(u: UserRecord): Promise<boolean>
  get(name: string): Promise<UserRecord | undefined>
  list(): Promise<readonly UserRecord[]>
  count(): Promise<number>
  setPassword(name: string, passwordHash: string): Promise<boolean>
  /** Deletes the user, their team memberships and their tokens (refresh tokens included). */
  delete(name: string): Promise<boolean>
}

export interface OrgRepo {
  create(name: string, at: Date): Promise<boolean>
  exists(name: string): Promise<boolean>
  list(): Promise<readonly string[]>
  createTeam(org: string, team: string, at: Date): Promise<boolean>
  listTeams(org: string): Promise<readonly string[]>
  addMember(org: string, team: string, user: string): Promise<void>
  removeMember(org: string, team: string, user: string): Promise<boolean>
  listMembers(org: string, team: string): Promise<readonly string[]>
  /** Sets (replaces) the team's role on a target. */
  grant(org: string, team: string, grant: GrantRecord): Promise<void>
  revoke(org: string, team: string, target: GrantTarget): Promise<boolean>
  teamGrants(org: string, team: string): Promise<readonly GrantRecord[]>
  /** Every grant reaching `user` through any of their teams. */
  grantsOfUser(user: string): Promise<readonly GrantRecord[]>
}

export interface RobotRepo {
  create(r: RobotRecord): Promise<boolean>
  get(name: string): Promise<RobotRecord | undefined>
  list(org: string): Promise<readonly RobotRecord[]>
  delete(name: string): Promise<boolean>
}

export interface AccessTokenRepo {
  create(t: AccessTokenRecord): Promise<void>
  get(id: string): Promise<AccessTokenRecord | undefined>
  listByOwner(owner: string): Promise<readonly AccessTokenRecord[]>
  /** Sets revokedAt once; false when unknown or already revoked. */
  revoke(id: string, at: Date): Promise<boolean>
  touch(id: string, at: Date): Promise<void>
}

export interface RefreshTokenRepo {
  create(t: RefreshTokenRecord): Promise<void>
  get(id: string): Promise<RefreshTokenRecord | undefined>
  listByOwner(owner: string): Promise<readonly RefreshTokenRecord[]>
  /** Sets revokedAt once; false when unknown or already revoked. */
  revoke(id: string, at: Date): Promise<boolean>
  /** Revokes every live refresh token of `owner` (password change); returns how many. */
  revokeAllOf(owner: string, at: Date): Promise<number>
  touch(id: string, at: Date): Promise<void>
}

/** The persisted login throttle (auth/login-throttle.ts): survives restarts. */
export interface LoginFailureRepo {
  get(keys: readonly string[]): Promise<readonly LoginFailureRecord[]>
  put(r: LoginFailureRecord): Promise<void>
  delete(keys: readonly string[]): Promise<void>
  /** Forgets records last updated before `before`, then keeps only the `max` most recent. */
  prune(before: Date, max: number): Promise<void>
}

export interface PublicRepositoryRepo {
  setPublic(repository: string, isPublic: boolean, at: Date): Promise<void>
  isPublic(repository: string): Promise<boolean>
}

export interface SigningKeyRepo {
  add(k: SigningKeyRecord): Promise<void>
  /** Every key, newest first. */
  list(): Promise<readonly SigningKeyRecord[]>
  retire(kid: string, at: Date): Promise<void>
  /** Forgets keys retired before `before` (their tokens have all expired). */
  purgeRetired(before: Date): Promise<number>
}

/** Append-only: there is no update or delete, and the SQL table refuses both (triggers). */
export interface AuditRepo {
  append(e: AuditEvent): Promise<void>
  /** Matching events in id order. */
  query(q: AuditQuery): Promise<readonly StoredAuditEvent[]>
}

export interface AuthRepos {
  readonly users: UserRepo
  readonly orgs: OrgRepo
  readonly robots: RobotRepo
  readonly tokens: AccessTokenRepo
  readonly refreshTokens: RefreshTokenRepo
  readonly loginFailures: LoginFailureRepo
  readonly publicRepos: PublicRepositoryRepo
  readonly keys: SigningKeyRepo
  readonly audit: AuditRepo
}
