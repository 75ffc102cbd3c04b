/**
 * ECR repository policies (IAM policy documents) as Drydock's grants on one repository, both
 * ways, with no I/O (docs/ecr.md "Repository policies" has the table).
 *
 * What a repository's policy can say in Drydock is what its grants say: a team of the
 * repository's org with a role on exactly that repository (read → pull, write → pull + push,
 * admin → pull + push + delete), and the repository being public (anyone pulls). So a statement
 * is accepted only when it says exactly that: Effect Allow, a Principal that is a team
 * (`arn:aws:iam::<account>:group/<org>/<team>`) or everyone (`*`), and ECR actions whose rights,
 * gathered per principal over all statements, are exactly one role's (everyone: pull only).
 * Anything else is refused with the statement and the reason, never widened or narrowed:
 * Deny, Condition, NotAction/NotPrincipal/NotResource, wildcards, actions that need more than a
 * grant gives, users and robots (whose rights come from teams and from the robot's creation),
 * another account.
 */
import { parseStrictJson, StrictJsonError } from '../../oci/strict-json.ts'
import type { RepositoryAction } from '../auth/scope.ts'
import type { Role } from '../metadata/auth-store.ts'
import { ROLE_ACTIONS } from '../auth/permissions.ts'
import { EcrError } from './ecr-error.ts'

/** Each ECR action a repository grant can give, with the right Drydock checks for it. */
export const ACTION_RIGHTS: Readonly<Record<string, RepositoryAction>> = {
  BatchCheckLayerAvailability: 'pull',
  BatchGetImage: 'pull',
  DescribeImages: 'pull',
  DescribeImageScanFindings: 'pull',
  DescribeRepositories: 'pull',
  GetDownloadUrlForLayer: 'pull',
  GetLifecyclePolicy: 'pull',
  ListImageReferrers: 'pull',
  ListImages: 'pull',
  ListTagsForResource: 'pull',
  CompleteLayerUpload: 'push',
  InitiateLayerUpload: 'push',
  PutImage: 'push',
  StartImageScan: 'push',
  UploadLayerPart: 'push',
  BatchDeleteImage: 'delete',
}

const BY_LOWER = new Map(Object.keys(ACTION_RIGHTS).map((a) => [a.toLowerCase(), a]))
const ROLES: readonly Role[] = ['read', 'write', 'admin']
const RIGHTS: readonly RepositoryAction[] = ['pull', 'push', 'delete']

export interface TeamGrant {
  readonly org: string
  readonly team: string
  readonly role: Role
}

/** What a policy says in Drydock's terms: the teams' roles on the repository, and public pull. */
export interface RepositoryGrants {
  readonly teams: readonly TeamGrant[]
  readonly public: boolean
}

export interface PolicyScope {
  readonly accountId: string
  readonly region: string
  readonly repository: string
}

export const teamArn = (accountId: string, org: string, team: string): string => `arn:aws:iam::${accountId}:group/${org}/${team}`

function refuse(where: string, reason: string): EcrError {
  return new EcrError('InvalidParameterException', `Invalid parameter at 'PolicyText' failed to satisfy constraint: '${where}: ${reason}'`)
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v])
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  Condition: 'Condition is not supported: a Drydock grant holds whatever the circumstances',
  NotAction: 'NotAction is not supported: name the actions',
  NotPrincipal: 'NotPrincipal is not supported: name the principals',
  NotResource: 'NotResource is not supported',
}

/** Principal (one ARN or `*`) → a `org/team` key, or `*` for everyone. */
function principalKey(where: string, raw: unknown, scope: PolicyScope): string {
  if (raw === '*') return '*'
  if (typeof raw !== 'string') throw refuse(where, 'a principal must be an ARN string or "*"')
  const shown = raw.slice(0, 200)
  const m = /^arn:aws:iam::([^:]*):(.*)$/.exec(raw)
  if (!m) throw refuse(where, `principal '${shown}' is not an IAM ARN of this registry (arn:aws:iam::${scope.accountId}:group/<org>/<team>) or "*"`)
  if (m[1] !== scope.accountId) throw refuse(where, `principal '${shown}' is in another account; this registry is ${scope.accountId}`)
  const resource = m[2] ?? ''
  const org = scope.repository.split('/')[0] ?? ''
  const group = /^group\/([^/]+)\/([^/]+)$/.exec(resource)
  if (group) {
    if (group[1] !== org) throw refuse(where, `principal '${shown}': a team of org '${group[1]}' cannot be granted rights on ${scope.repository} (grants stay inside their org)`)
    return `${group[1]}/${group[2]}`
  }
  if (resource === 'root') throw refuse(where, `principal '${shown}' is every user of the account; Drydock has no grant for that (a public repository is "*" with pull actions)`)
  if (resource.startsWith('user/robot/')) throw refuse(where, `principal '${shown}': a robot's grants are set when it is created, not by a repository policy`)
  if (resource.startsWith('user/')) throw refuse(where, `principal '${shown}': Drydock gives users rights on a repository through teams; name the team (arn:aws:iam::${scope.accountId}:group/${org}/<team>)`)
  throw refuse(where, `principal '${shown}' is not a team (arn:aws:iam::${scope.accountId}:group/<org>/<team>) or "*"`)
}

function actionRight(where: string, raw: unknown): RepositoryAction {
  if (typeof raw !== 'string') throw refuse(where, 'an action must be a string')
  const shown = raw.slice(0, 128)
  const m = /^ecr:(.+)$/i.exec(raw)
  if (!m) throw refuse(where, `action '${shown}' is not an ECR action`)
  const name = m[1] ?? ''
  if (name.includes('*') || name.includes('?')) throw refuse(where, `action '${shown}': wildcards are not mapped; name the actions`)
  const canonical = BY_LOWER.get(name.toLowerCase())
  if (canonical === undefined) throw refuse(where, `action '${shown}' needs a right no repository grant gives (only pull, push and delete actions map onto grants)`)
  return ACTION_RIGHTS[canonical] as RepositoryAction
}

function checkResource(where: string, raw: unknown, scope: PolicyScope): void {
  const arn = `arn:aws:ecr:${scope.region}:${scope.accountId}:repository/${scope.repository}`
  for (const r of list(raw)) {
    if (r !== arn) throw refuse(where, `Resource must be left out or be this repository (${arn})`)
  }
}

function roleOf(rights: ReadonlySet<RepositoryAction>): Role | undefined {
  return ROLES.find((role) => ROLE_ACTIONS[role].length === rights.size && ROLE_ACTIONS[role].every((a) => rights.has(a)))
}

/** The policy text → grants; InvalidParameterException naming the statement and reason otherwise. */
export function parseRepositoryPolicy(text: string, scope: PolicyScope): RepositoryGrants {
  let doc: unknown
  try {
    // Strict: a duplicated key ("Effect" twice) must not mean one thing here and another elsewhere.
    doc = parseStrictJson(text, { maxDepth: 8 })
  } catch (err) {
    if (err instanceof StrictJsonError) throw refuse('policy', `not a valid JSON document: ${err.message}`)
    throw err
  }
  if (!isObject(doc)) throw refuse('policy', 'not a JSON object')
  for (const key of Object.keys(doc)) {
    if (!['Version', 'Id', 'Statement'].includes(key)) throw refuse('policy', `unknown element '${key.slice(0, 64)}'`)
  }
  if (doc['Version'] !== undefined && doc['Version'] !== '2012-10-17' && doc['Version'] !== '2008-10-17') {
    throw refuse('policy', "Version must be '2012-10-17' or '2008-10-17'")
  }
  if (doc['Statement'] === undefined) throw refuse('policy', 'no Statement')
  const rights = new Map<string, { readonly rights: Set<RepositoryAction>; readonly where: string[] }>()
  list(doc['Statement']).forEach((st, i) => {
    const where = isObject(st) && typeof st['Sid'] === 'string' && st['Sid'] !== '' ? `statement '${st['Sid'].slice(0, 64)}'` : `statement ${i + 1}`
    if (!isObject(st)) throw refuse(where, 'a statement must be an object')
    for (const key of Object.keys(st)) {
      const unsupported = UNSUPPORTED_KEYS[key]
      if (unsupported) throw refuse(where, unsupported)
      if (!['Sid', 'Effect', 'Principal', 'Action', 'Resource'].includes(key)) throw refuse(where, `unknown element '${key.slice(0, 64)}'`)
    }
    if (st['Effect'] !== 'Allow') throw refuse(where, st['Effect'] === 'Deny' ? 'Deny is not supported: a Drydock grant can only allow' : "Effect must be 'Allow'")
    if (st['Resource'] !== undefined) checkResource(where, st['Resource'], scope)
    const principal = st['Principal']
    let principals: unknown[]
    if (principal === '*') principals = ['*']
    else if (isObject(principal) && Object.keys(principal).length === 1 && principal['AWS'] !== undefined) principals = list(principal['AWS'])
    else throw refuse(where, 'Principal must be "*" or {"AWS": ARN or list of ARNs}')
    if (st['Action'] === undefined) throw refuse(where, 'no Action')
    const actions = list(st['Action']).map((a) => actionRight(where, a))
    if (principals.length === 0 || actions.length === 0) throw refuse(where, 'empty Principal or Action')
    for (const p of principals) {
      const key = principalKey(where, p, scope)
      const entry = rights.get(key) ?? { rights: new Set<RepositoryAction>(), where: [] }
      actions.forEach((a) => entry.rights.add(a))
      if (!entry.where.includes(where)) entry.where.push(where)
      rights.set(key, entry)
    }
  })
  const teams: TeamGrant[] = []
  let isPublic = false
  for (const [key, entry] of rights) {
    const where = entry.where.join(', ')
    const wanted = RIGHTS.filter((a) => entry.rights.has(a)).join(' + ')
    if (key === '*') {
      if (entry.rights.size !== 1 || !entry.rights.has('pull')) throw refuse(where, `"*" may only pull (a public repository); ${wanted} cannot be given to everyone`)
      isPublic = true
      continue
    }
    const role = roleOf(entry.rights)
    if (role === undefined) throw refuse(where, `${key} would get ${wanted}; Drydock's roles are read (pull), write (pull + push) and admin (pull + push + delete)`)
    const [org = '', team = ''] = key.split('/')
    teams.push({ org, team, role })
  }
  return { teams, public: isPublic }
}

const ROLE_SID: Readonly<Record<Role, string>> = { read: 'DrydockTeamsRead', write: 'DrydockTeamsWrite', admin: 'DrydockTeamsAdmin' }

function actionsOf(rights: readonly RepositoryAction[]): string[] {
  return Object.entries(ACTION_RIGHTS).filter(([, r]) => rights.includes(r)).map(([a]) => `ecr:${a}`).sort()
}

/** Grants → policy text (pretty-printed, as ECR returns it); undefined when there are none. */
export function renderRepositoryPolicy(grants: RepositoryGrants, accountId: string): string | undefined {
  const statements: Record<string, unknown>[] = []
  if (grants.public) statements.push({ Sid: 'DrydockPublicPull', Effect: 'Allow', Principal: '*', Action: actionsOf(['pull']) })
  for (const role of ROLES) {
    const arns = grants.teams.filter((t) => t.role === role).map((t) => teamArn(accountId, t.org, t.team)).sort()
    if (arns.length > 0) statements.push({ Sid: ROLE_SID[role], Effect: 'Allow', Principal: { AWS: arns.length === 1 ? arns[0] : arns }, Action: actionsOf(ROLE_ACTIONS[role]) })
  }
  if (statements.length === 0) return undefined
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2)
}
