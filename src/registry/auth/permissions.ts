/**
 * Who may do what: repository actions (the /v2 gate, the token endpoint, the per-repository API)
 * and management (the /api/v1 management routes). The rule for every credential: what its owner
 * may do, cut by the credential's own limits (a personal access token's or login password's
 * actions and targets). Both sides must allow; tokenAllows is the one place the cut is made.
 *
 * Owner rights on a repository (the union of what applies):
 *  - an admin user: pull, push, delete everywhere;
 *  - a user's own namespace `USER/…`: pull, push, delete;
 *  - team grants (`org/repo` or `org/*`): read → pull, write → pull+push, admin → +delete;
 *  - a robot: only its own grants;
 *  - a public repository: pull for everyone, anonymous included, whatever the credential.
 * Repositories are private otherwise. Management rights are in mayManage (docs/auth.md has the
 * table of every route and what it needs).
 */
import type { GrantRecord, Role, TokenAction } from '../metadata/auth-store.ts'
import type { Principal, TokenLimits } from './principal.ts'
import type { RepositoryAction } from './scope.ts'

export const ROLE_ACTIONS: Readonly<Record<Role, readonly RepositoryAction[]>> = {
  read: ['pull'],
  write: ['pull', 'push'],
  admin: ['pull', 'push', 'delete'],
}

const ALL: readonly RepositoryAction[] = ['pull', 'push', 'delete']

/**
 * Does `target` (`*`, `org/*` for the namespace and everything under it, or an exact repository
 * name) cover `resource`? A resource is a repository name, `org/*` (a whole namespace: covered by
 * `*` and `org/*` only) or `*` (the whole server: covered by `*` only).
 */
export function targetMatches(target: string, resource: string): boolean {
  if (target === '*' || target === resource) return true
  return target.endsWith('/*') && resource.startsWith(target.slice(0, -1))
}

/**
 * The credential's own limits: may a request made with `token` perform `action` on `resource`?
 * Without a token (a password login, a robot secret) there is no cut. This is the only place a
 * token's actions and targets are applied.
 */
export function tokenAllows(token: TokenLimits | undefined, action: TokenAction, resource: string): boolean {
  if (!token) return true
  return token.actions.includes(action) && token.targets.some((t) => targetMatches(t, resource))
}

export interface PermissionSources {
  grantsOfUser(user: string): Promise<readonly GrantRecord[]>
  isPublic(repo: string): Promise<boolean>
}

function fromGrants(grants: readonly GrantRecord[], repo: string): RepositoryAction[] {
  return grants.filter((g) => targetMatches(g.target, repo)).flatMap((g) => ROLE_ACTIONS[g.role])
}

async function ownerActions(p: Principal, repo: string, src: PermissionSources): Promise<RepositoryAction[]> {
  switch (p.kind) {
    case 'anonymous':
      return []
    case 'robot':
      return fromGrants(p.grants, repo)
    case 'user':
      if (p.admin || repo.startsWith(`${p.name}/`)) return [...ALL]
      return fromGrants(await src.grantsOfUser(p.name), repo)
  }
}

/** The actions `p` may perform on `repo`, in pull, push, delete order. */
export async function allowedActions(p: Principal, repo: string, src: PermissionSources): Promise<RepositoryAction[]> {
  const token = p.kind === 'user' ? p.token : undefined
  const actions = new Set((await ownerActions(p, repo, src)).filter((a) => tokenAllows(token, a, repo)))
  if (!actions.has('pull') && (await src.isPublic(repo))) actions.add('pull')
  return ALL.filter((a) => actions.has(a))
}

/**
 * What a management call acts on; each kind fixes the owner right and the token action and
 * target it needs (docs/auth.md, "Management API"):
 *  - server: users, admin flags, creating and listing orgs, key rotation, the audit log;
 *  - namespace: an org's teams, members, grants and robots;
 *  - repository: a repository's settings (visibility);
 * `grants` are the rights the call hands out (a robot's or team's grants, a team's grants to a
 * new member, `read` to everyone when a repository is made public): the credential must hold
 * every action of each on its target itself, so no token creates anything broader than itself.
 *  - tokens: listing or revoking the tokens of `owner` (`id`: the one being revoked);
 *  - credentials: new secrets for `user` (personal access tokens, login passwords, a password).
 */
export type ManagedResource =
  | { readonly kind: 'server' }
  | { readonly kind: 'namespace'; readonly org: string; readonly grants?: readonly GrantRecord[] }
  | { readonly kind: 'repository'; readonly name: string; readonly grants?: readonly GrantRecord[] }
  | { readonly kind: 'tokens'; readonly owner: string; readonly id?: string }
  | { readonly kind: 'credentials'; readonly user: string }

type User = Extract<Principal, { kind: 'user' }>

/** Admins manage everything, a user their own namespace, a team admin on `org/*` that org. */
async function ownsNamespace(p: User, org: string, src: PermissionSources): Promise<boolean> {
  if (p.admin || p.name === org) return true
  return (await src.grantsOfUser(p.name)).some((g) => g.role === 'admin' && g.target === `${org}/*`)
}

/** The owner's side: what the user may manage whatever credential they used. */
async function ownerMay(p: User, r: ManagedResource, src: PermissionSources): Promise<boolean> {
  switch (r.kind) {
    case 'server':
      return p.admin
    case 'namespace':
      return ownsNamespace(p, r.org, src)
    case 'repository':
      return ownsNamespace(p, r.name.split('/')[0] ?? '', src)
    case 'tokens':
      return p.name === r.owner || p.admin
    case 'credentials':
      return p.name === r.user || p.admin
  }
}

/** Does the credential itself hold every action of every grant it hands out? */
function holdsGrants(token: TokenLimits | undefined, grants: readonly GrantRecord[] = []): boolean {
  return grants.every((g) => ROLE_ACTIONS[g.role].every((a) => tokenAllows(token, a, g.target)))
}

/** The credential's side: the `admin` action on a target covering what is managed. */
function credentialMay(p: User, r: ManagedResource): boolean {
  switch (r.kind) {
    case 'server':
      return tokenAllows(p.token, 'admin', '*')
    case 'namespace':
      return tokenAllows(p.token, 'admin', `${r.org}/*`) && holdsGrants(p.token, r.grants)
    case 'repository':
      return tokenAllows(p.token, 'admin', r.name) && holdsGrants(p.token, r.grants)
    case 'tokens':
      // Any credential may end itself (a leaked token can be revoked with itself).
      return (r.id !== undefined && p.token?.id === r.id) || tokenAllows(p.token, 'admin', '*')
    case 'credentials':
      // Tokens never mint secrets (nor change the password): a leaked token must not outlive
      // its own expiry or limits. One's own need the password; another user's are server-wide.
      return r.user === p.name ? p.token === undefined : tokenAllows(p.token, 'admin', '*')
  }
}

/**
 * May `p` perform the management call on `r`? Robots and anonymous callers manage nothing; a
 * user needs both the owner right and, with a token, the token's `admin` action on a target
 * covering `r`. Every /api/v1 management route asks this one function.
 */
export async function mayManage(p: Principal, r: ManagedResource, src: PermissionSources): Promise<boolean> {
  if (p.kind !== 'user') return false
  return credentialMay(p, r) && (await ownerMay(p, r, src))
}
