// AuthRepos on node:sqlite (tables from migration 2; refresh tokens and login counters from 4,
// in sqlite-session-repos.ts). Shares SqliteStore's connection, so its writes take part in
// SqliteStore.transaction().
import type { DatabaseSync } from 'node:sqlite'
import type {
  AccessTokenRecord, AccessTokenRepo, AuditRepo, AuthRepos, GrantRecord, OrgRepo, PublicRepositoryRepo, RobotRecord, RobotRepo,
  Role, SigningKeyRecord, SigningKeyRepo, StoredAuditEvent, TokenAction, UserRecord, UserRepo,
} from '../auth-store.ts'
import { sqliteLoginFailureRepo, sqliteRefreshTokenRepo } from './sqlite-session-repos.ts'

type Row = Record<string, unknown>
type Value = string | number | null

const date = (v: unknown): Date => new Date(Number(v))
const optDate = <K extends string>(key: K, v: unknown): { [P in K]?: Date } =>
  (v == null ? {} : { [key]: date(v) }) as { [P in K]?: Date }
const changed = (r: { changes: number | bigint }): boolean => Number(r.changes) > 0

function toUser(r: Row): UserRecord {
  return { name: r['name'] as string, passwordHash: r['password_hash'] as string, admin: r['admin'] === 1, createdAt: date(r['created_at']) }
}

function toRobot(r: Row): RobotRecord {
  return {
    name: r['name'] as string,
    org: r['org'] as string,
    secretHash: r['secret_hash'] as string,
    grants: JSON.parse(r['grants'] as string) as GrantRecord[],
    createdAt: date(r['created_at']),
    ...optDate('expiresAt', r['expires_at']),
  }
}

function toToken(r: Row): AccessTokenRecord {
  return {
    id: r['id'] as string,
    owner: r['owner'] as string,
    kind: r['kind'] as AccessTokenRecord['kind'],
    description: r['description'] as string,
    secretHash: r['secret_hash'] as string,
    actions: JSON.parse(r['actions'] as string) as TokenAction[],
    targets: JSON.parse(r['targets'] as string) as string[],
    createdAt: date(r['created_at']),
    expiresAt: date(r['expires_at']),
    ...optDate('revokedAt', r['revoked_at']),
    ...optDate('lastUsedAt', r['last_used_at']),
  }
}

function toKey(r: Row): SigningKeyRecord {
  return {
    kid: r['kid'] as string,
    privateKeyPem: r['private_pem'] as string,
    publicKeyPem: r['public_pem'] as string,
    createdAt: date(r['created_at']),
    ...optDate('retiredAt', r['retired_at']),
  }
}

function toAudit(r: Row): StoredAuditEvent {
  return {
    id: Number(r['id']),
    at: date(r['at']),
    actor: r['actor'] as string,
    action: r['action'] as string,
    ...(r['repository'] == null ? {} : { repository: r['repository'] as string }),
    ...(r['address'] == null ? {} : { address: r['address'] as string }),
    ...(r['detail'] == null ? {} : { detail: JSON.parse(r['detail'] as string) as Record<string, unknown> }),
  }
}

export function sqliteAuthRepos(db: DatabaseSync): AuthRepos {
  const q = (sql: string) => db.prepare(sql)
  const insertOnce = (sql: string, ...args: Value[]): boolean => changed(q(sql + ' ON CONFLICT DO NOTHING').run(...args))

  const users: UserRepo = {
    create: async (u) =>
      insertOnce('INSERT INTO users(name, password_hash, admin, created_at) VALUES (?, ?, ?, ?)', u.name, u.passwordHash, u.admin ? 1 : 0, u.createdAt.getTime()),
    get: async (name) => {
      const r = q('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined
      return r ? toUser(r) : undefined
    },
    list: async () => (q('SELECT * FROM users ORDER BY name').all() as Row[]).map(toUser),
    count: async () => Number((q('SELECT count(*) AS n FROM users').get() as Row)['n']),
    setPassword: async (name, hash) => changed(q('UPDATE users SET password_hash = ? WHERE name = ?').run(hash, name)),
    delete: async (name) => {
      q('DELETE FROM access_tokens WHERE owner = ?').run(name)
      q('DELETE FROM refresh_tokens WHERE owner = ?').run(name)
      return changed(q('DELETE FROM users WHERE name = ?').run(name))
    },
  }

  const orgs: OrgRepo = {
    create: async (name, at) => insertOnce('INSERT INTO orgs(name, created_at) VALUES (?, ?)', name, at.getTime()),
    exists: async (name) => q('SELECT 1 FROM orgs WHERE name = ?').get(name) !== undefined,
    list: async () => (q('SELECT name FROM orgs ORDER BY name').all() as Row[]).map((r) => r['name'] as string),
    createTeam: async (org, team, at) => insertOnce('INSERT INTO teams(org, name, created_at) VALUES (?, ?, ?)', org, team, at.getTime()),
    listTeams: async (org) => (q('SELECT name FROM teams WHERE org = ? ORDER BY name').all(org) as Row[]).map((r) => r['name'] as string),
    addMember: async (org, team, user) => void insertOnce('INSERT INTO team_members(org, team, user) VALUES (?, ?, ?)', org, team, user),
    removeMember: async (org, team, user) => changed(q('DELETE FROM team_members WHERE org = ? AND team = ? AND user = ?').run(org, team, user)),
    listMembers: async (org, team) =>
      (q('SELECT user FROM team_members WHERE org = ? AND team = ? ORDER BY user').all(org, team) as Row[]).map((r) => r['user'] as string),
    grant: async (org, team, g) =>
      void q(`INSERT INTO team_grants(org, team, target, role) VALUES (?, ?, ?, ?)
              ON CONFLICT(org, team, target) DO UPDATE SET role = excluded.role`).run(org, team, g.target, g.role),
    revoke: async (org, team, target) => changed(q('DELETE FROM team_grants WHERE org = ? AND team = ? AND target = ?').run(org, team, target)),
    teamGrants: async (org, team) =>
      (q('SELECT target, role FROM team_grants WHERE org = ? AND team = ? ORDER BY target').all(org, team) as Row[]).map(
        (r) => ({ target: r['target'] as string, role: r['role'] as Role }),
      ),
    grantsOfUser: async (user) =>
      (q(`SELECT g.target, g.role FROM team_members m
          JOIN team_grants g ON g.org = m.org AND g.team = m.team WHERE m.user = ?`).all(user) as Row[]).map(
        (r) => ({ target: r['target'] as string, role: r['role'] as Role }),
      ),
  }

  const robots: RobotRepo = {
    create: async (r) =>
      insertOnce(
        'INSERT INTO robots(name, org, secret_hash, grants, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
        r.name, r.org, r.secretHash, JSON.stringify(r.grants), r.createdAt.getTime(), r.expiresAt?.getTime() ?? null,
      ),
    get: async (name) => {
      const r = q('SELECT * FROM robots WHERE name = ?').get(name) as Row | undefined
      return r ? toRobot(r) : undefined
    },
    list: async (org) => (q('SELECT * FROM robots WHERE org = ? ORDER BY name').all(org) as Row[]).map(toRobot),
    delete: async (name) => {
      q('DELETE FROM access_tokens WHERE owner = ?').run(name)
      q('DELETE FROM refresh_tokens WHERE owner = ?').run(name)
      return changed(q('DELETE FROM robots WHERE name = ?').run(name))
    },
  }

  const tokens: AccessTokenRepo = {
    create: async (t) =>
      void q(`INSERT INTO access_tokens(id, owner, kind, description, secret_hash, actions, targets, created_at, expires_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        t.id, t.owner, t.kind, t.description, t.secretHash, JSON.stringify(t.actions), JSON.stringify(t.targets),
        t.createdAt.getTime(), t.expiresAt.getTime(),
      ),
    get: async (id) => {
      const r = q('SELECT * FROM access_tokens WHERE id = ?').get(id) as Row | undefined
      return r ? toToken(r) : undefined
    },
    listByOwner: async (owner) => (q('SELECT * FROM access_tokens WHERE owner = ? ORDER BY created_at, id').all(owner) as Row[]).map(toToken),
    revoke: async (id, at) => changed(q('UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at.getTime(), id)),
    touch: async (id, at) => void q('UPDATE access_tokens SET last_used_at = ? WHERE id = ?').run(at.getTime(), id),
  }

  const publicRepos: PublicRepositoryRepo = {
    setPublic: async (name, isPublic, at) =>
      void (isPublic
        ? q('INSERT INTO public_repositories(name, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(name, at.getTime())
        : q('DELETE FROM public_repositories WHERE name = ?').run(name)),
    isPublic: async (name) => q('SELECT 1 FROM public_repositories WHERE name = ?').get(name) !== undefined,
  }

  const keys: SigningKeyRepo = {
    add: async (k) =>
      void q('INSERT INTO signing_keys(kid, private_pem, public_pem, created_at, retired_at) VALUES (?, ?, ?, ?, ?)').run(
        k.kid, k.privateKeyPem, k.publicKeyPem, k.createdAt.getTime(), k.retiredAt?.getTime() ?? null,
      ),
    list: async () => (q('SELECT * FROM signing_keys ORDER BY created_at DESC, kid').all() as Row[]).map(toKey),
    retire: async (kid, at) => void q('UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL').run(at.getTime(), kid),
    purgeRetired: async (before) => Number(q('DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < ?').run(before.getTime()).changes),
  }

  const audit: AuditRepo = {
    append: async (e) =>
      void q('INSERT INTO audit_events(at, actor, action, repository, address, detail) VALUES (?, ?, ?, ?, ?, ?)').run(
        e.at.getTime(), e.actor, e.action, e.repository ?? null, e.address ?? null, e.detail ? JSON.stringify(e.detail) : null,
      ),
    query: async (f) => {
      const where: string[] = ['id > ?']
      const args: Value[] = [f.afterId ?? 0]
      const eq = (col: string, v: string | undefined): void => {
        if (v !== undefined) {
          where.push(`${col} = ?`)
          args.push(v)
        }
      }
      eq('actor', f.actor)
      eq('action', f.action)
      eq('repository', f.repository)
      if (f.since) where.push('at >= ?'), args.push(f.since.getTime())
      if (f.until) where.push('at < ?'), args.push(f.until.getTime())
      args.push(f.limit)
      return (q(`SELECT * FROM audit_events WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`).all(...args) as Row[]).map(toAudit)
    },
  }

  return { users, orgs, robots, tokens, publicRepos, keys, audit, refreshTokens: sqliteRefreshTokenRepo(db), loginFailures: sqliteLoginFailureRepo(db) }
}
