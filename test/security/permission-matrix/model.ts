/**
 * The documented access rules (docs/auth.md, "Identities and permissions", "The gate on /v2" and
 * "Management API") written down independently of src/registry/auth/permissions.ts: the
 * permission matrix compares what the server does with what this model says it must do. It
 * never asks the server what is allowed.
 */

export type Action = 'pull' | 'push' | 'delete' | 'admin'
export type RepoAction = Exclude<Action, 'admin'>
export type Role = 'read' | 'write' | 'admin'

export interface Grant {
  readonly target: string
  readonly role: Role
}

/** Who the caller is, as the test set it up. */
export interface Owner {
  readonly kind: 'user' | 'robot' | 'anonymous'
  readonly name: string
  readonly admin: boolean
  /** Team grants of a user, the grants of a robot. */
  readonly grants: readonly Grant[]
}

/** The credential's own limits (personal access tokens, login passwords); none for a password or a robot secret. */
export interface Limits {
  readonly id: string
  readonly actions: readonly Action[]
  readonly targets: readonly string[]
}

export interface Caller {
  readonly label: string
  readonly owner: Owner
  /** `password` (or a robot's secret), `pat`, `login` (login password) or `none` (anonymous). */
  readonly via: 'password' | 'pat' | 'login' | 'none'
  readonly limits?: Limits
}

/** What a request needs, per the docs' tables. */
export type Need =
  | { readonly kind: 'open' } // anyone, anonymous included
  | { readonly kind: 'authenticated' } // any valid credential (registry: any token, /v2/_catalog: not anonymous)
  | { readonly kind: 'repo'; readonly repo: string; readonly action: RepoAction }
  | { readonly kind: 'server' }
  | { readonly kind: 'namespace'; readonly org: string; readonly handsOut?: readonly Grant[] }
  | { readonly kind: 'repository-settings'; readonly repo: string; readonly handsOut?: readonly Grant[] }
  | { readonly kind: 'own-tokens'; readonly owner: string; readonly tokenId?: string }
  | { readonly kind: 'new-credentials'; readonly user: string }

const ROLE: Readonly<Record<Role, readonly RepoAction[]>> = { read: ['pull'], write: ['pull', 'push'], admin: ['pull', 'push', 'delete'] }

/** docs/auth.md: a target is `*`, `org/*` (the namespace and everything in it) or one repository. */
export function covers(target: string, resource: string): boolean {
  if (target === '*') return true
  if (target === resource) return true
  if (target.endsWith('/*')) return resource !== '*' && resource.startsWith(target.slice(0, target.length - 1))
  return false
}

/** "A token never grants more than its owner has": the credential's own side. */
function credentialHolds(c: Caller, action: Action, resource: string): boolean {
  if (!c.limits) return true
  return c.limits.actions.includes(action) && c.limits.targets.some((t) => covers(t, resource))
}

export function isPublic(publicRepos: ReadonlySet<string>, repo: string): boolean {
  return publicRepos.has(repo)
}

/** What the owner may do on a repository (admins everything, own namespace, grants). */
function ownerRepoActions(o: Owner, repo: string): Set<RepoAction> {
  if (o.kind === 'anonymous') return new Set()
  if (o.kind === 'user' && (o.admin || repo.startsWith(`${o.name}/`))) return new Set(['pull', 'push', 'delete'])
  return new Set(o.grants.filter((g) => covers(g.target, repo)).flatMap((g) => ROLE[g.role]))
}

export function mayOnRepo(c: Caller, repo: string, action: RepoAction, publicRepos: ReadonlySet<string>): boolean {
  if (action === 'pull' && isPublic(publicRepos, repo)) return true
  return ownerRepoActions(c.owner, repo).has(action) && credentialHolds(c, action, repo)
}

/** Users manage: admins everything; a user their own namespace; a team admin on `org/*` that org. */
function ownsNamespace(o: Owner, org: string): boolean {
  if (o.kind !== 'user') return false
  return o.admin || o.name === org || o.grants.some((g) => g.role === 'admin' && g.target === `${org}/*`)
}

function holdsAll(c: Caller, grants: readonly Grant[] = []): boolean {
  return grants.every((g) => ROLE[g.role].every((a) => credentialHolds(c, a, g.target)))
}

/** The documented outcome: may `c` do what `need` describes? */
export function allowed(c: Caller, need: Need, publicRepos: ReadonlySet<string>): boolean {
  const o = c.owner
  switch (need.kind) {
    case 'open':
      return true
    case 'authenticated':
      return o.kind !== 'anonymous'
    case 'repo':
      return mayOnRepo(c, need.repo, need.action, publicRepos)
    case 'server':
      return o.kind === 'user' && o.admin && credentialHolds(c, 'admin', '*')
    case 'namespace':
      return ownsNamespace(o, need.org) && credentialHolds(c, 'admin', `${need.org}/*`) && holdsAll(c, need.handsOut)
    case 'repository-settings':
      return ownsNamespace(o, need.repo.split('/')[0] ?? '') && credentialHolds(c, 'admin', need.repo) && holdsAll(c, need.handsOut)
    case 'own-tokens':
      if (o.kind !== 'user') return false
      if (need.tokenId !== undefined && c.limits?.id === need.tokenId) return true
      return (o.name === need.owner || o.admin) && credentialHolds(c, 'admin', '*')
    case 'new-credentials':
      if (o.kind !== 'user') return false
      if (o.name === need.user) return c.limits === undefined
      return o.admin && credentialHolds(c, 'admin', '*')
  }
}
