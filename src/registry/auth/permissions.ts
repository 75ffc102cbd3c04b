/**
 * Who may do what on a repository. The rules, in order (the union of what applies, then cut by
 * a token's limits):
 *  - an admin user: pull, push, delete everywhere;
 *  - a user's own namespace `USER/…`: pull, push, delete;
 *  - team grants (`org/repo` or `org/*`): read → pull, write → pull+push, admin → +delete;
 *  - a robot: only its own grants;
 *  - a public repository: pull for everyone, anonymous included.
 * Repositories are private otherwise.
 */
import type { GrantRecord, Role, TokenAction } from '../metadata/auth-store.ts'
import type { Principal } from './principal.ts'
import type { RepositoryAction } from './scope.ts'

export const ROLE_ACTIONS: Readonly<Record<Role, readonly RepositoryAction[]>> = {
  read: ['pull'],
  write: ['pull', 'push'],
  admin: ['pull', 'push', 'delete'],
}

const ALL: readonly RepositoryAction[] = ['pull', 'push', 'delete']

/** `*`, `org/*` (the namespace and everything under it) or an exact repository name. */
export function targetMatches(target: string, repo: string): boolean {
  if (target === '*' || target === repo) return true
  return target.endsWith('/*') && repo.startsWith(target.slice(0, -1))
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
  const actions = new Set(await ownerActions(p, repo, src))
  if (p.kind === 'user' && p.token) {
    const t = p.token
    const inTarget = t.targets.some((target) => targetMatches(target, repo))
    for (const a of [...actions]) if (!inTarget || !t.actions.includes(a as TokenAction)) actions.delete(a)
  }
  if (!actions.has('pull') && (await src.isPublic(repo))) actions.add('pull')
  return ALL.filter((a) => actions.has(a))
}

/**
 * May `p` manage the namespace `org` (teams, robots, visibility of `org/…`)? Admins may manage
 * everything, a user their own namespace, team members with the admin role on `org/*` their
 * org. A token needs the `admin` action for any management.
 */
export async function canManageNamespace(p: Principal, org: string, src: PermissionSources): Promise<boolean> {
  if (p.kind !== 'user') return false
  if (p.token && !p.token.actions.includes('admin')) return false
  if (p.admin || p.name === org) return true
  return (await src.grantsOfUser(p.name)).some((g) => g.role === 'admin' && g.target === `${org}/*`)
}
