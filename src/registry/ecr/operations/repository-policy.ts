/**
 * SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy: a repository's policy is
 * its grants (ecr/repository-policy-document.ts has the mapping): the team grants whose target
 * is exactly the repository, and whether it is public. Get renders them as they are now, so a
 * grant made through /api/v1 shows up; Set replaces them with what the policy says (teams it
 * leaves out lose their grant on the repository; visibility follows `*`); Delete removes them
 * all and makes the repository private. Namespace-wide grants (`org/*`), robots' grants, own
 * namespaces and admins are not the repository's policy and are never touched.
 *
 * Who may: whoever may change those grants through /api/v1 (managing the namespace; the
 * credential must hold what it hands out). The right to set a policy is the namespace's, which
 * no repository grant changes, so a policy cannot lock its setter out: `force` is accepted and
 * changes nothing. Changes are audited as the /api/v1 grant and visibility routes audit them.
 */
import type { RepositoryName } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import type { GrantRecord } from '../../metadata/auth-store.ts'
import type { MetadataStore } from '../../metadata/store.ts'
import { requireManageGrants } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import { parseRepositoryPolicy, renderRepositoryPolicy, teamArn, type RepositoryGrants, type TeamGrant } from '../repository-policy-document.ts'
import { checkRegistryId, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'

const POLICY_TEXT = { type: 'string', min: 0, max: 10240 } as const

/** The repository's grants as they are: team grants on exactly `repo`, and its visibility. */
async function currentGrants(tx: MetadataStore, repo: string): Promise<RepositoryGrants> {
  const org = repo.split('/')[0] ?? ''
  const teams: TeamGrant[] = []
  for (const team of await tx.auth.orgs.listTeams(org)) {
    const grant = (await tx.auth.orgs.teamGrants(org, team)).find((g) => g.target === repo)
    if (grant) teams.push({ org, team, role: grant.role })
  }
  return { teams, public: await tx.auth.publicRepos.isPublic(repo) }
}

async function requireRepository(ctx: EcrContext, tx: MetadataStore, name: string): Promise<void> {
  if (!(await tx.repositories.exists(name as RepositoryName))) {
    throw new EcrError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${ctx.registry.accountId}'`)
  }
}

function noPolicy(ctx: EcrContext, name: string): EcrError {
  return new EcrError('RepositoryPolicyNotFoundException', `Repository policy does not exist for the repository with name '${name}' in the registry with id '${ctx.registry.accountId}'`)
}

type Change = { readonly change: 'grant'; readonly team: TeamGrant } | { readonly change: 'revoke'; readonly team: TeamGrant } | { readonly change: 'visibility'; readonly public: boolean }

/** Makes the repository's grants `wanted` (inside the caller's transaction); returns what changed. */
async function apply(tx: MetadataStore, repo: string, current: RepositoryGrants, wanted: RepositoryGrants, at: Date): Promise<Change[]> {
  const changes: Change[] = []
  for (const t of wanted.teams) {
    if (current.teams.some((c) => c.team === t.team && c.role === t.role)) continue
    await tx.auth.orgs.grant(t.org, t.team, { target: repo, role: t.role })
    changes.push({ change: 'grant', team: t })
  }
  for (const t of current.teams) {
    if (wanted.teams.some((w) => w.team === t.team)) continue
    await tx.auth.orgs.revoke(t.org, t.team, repo)
    changes.push({ change: 'revoke', team: t })
  }
  if (current.public !== wanted.public) {
    await tx.auth.publicRepos.setPublic(repo, wanted.public, at)
    changes.push({ change: 'visibility', public: wanted.public })
  }
  return changes
}

async function audit(ctx: EcrContext, repo: string, changes: readonly Change[]): Promise<void> {
  for (const c of changes) {
    const detail = c.change === 'visibility'
      ? { change: 'visibility', public: c.public }
      : { change: c.change, org: c.team.org, team: c.team.team, target: repo, ...(c.change === 'grant' ? { role: c.team.role } : {}) }
    await ctx.services.auth.audit({ actor: principalName(ctx.principal), action: 'permission.change', repository: repo, address: ctx.address, detail: { ...detail, via: 'ecr' } })
  }
}

const identity = (ctx: EcrContext, name: string) => ({ registryId: ctx.registry.accountId, repositoryName: name })

const setRepositoryPolicy: EcrOperation = {
  name: 'SetRepositoryPolicy',
  input: {
    type: 'structure',
    required: ['repositoryName', 'policyText'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, policyText: POLICY_TEXT, force: { type: 'boolean' } },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const name = input['repositoryName'] as string
    const text = input['policyText'] as string
    const wanted = parseRepositoryPolicy(text, { accountId: ctx.registry.accountId, region: ctx.registry.region, repository: name })
    const handedOut: GrantRecord[] = [
      ...wanted.teams.map((t) => ({ target: name, role: t.role })),
      ...(wanted.public ? [{ target: name, role: 'read' as const }] : []),
    ]
    await requireManageGrants(ctx, 'SetRepositoryPolicy', name, handedOut)
    const changes = await ctx.services.store.transaction(async (tx) => {
      await requireRepository(ctx, tx, name)
      const org = name.split('/')[0] ?? ''
      const teams = await tx.auth.orgs.listTeams(org)
      const unknown = wanted.teams.find((t) => !teams.includes(t.team))
      if (unknown) {
        throw new EcrError('InvalidParameterException',
          `Invalid parameter at 'PolicyText' failed to satisfy constraint: 'principal '${teamArn(ctx.registry.accountId, unknown.org, unknown.team)}': no team '${unknown.team}' in org '${org}''`)
      }
      return apply(tx, name, await currentGrants(tx, name), wanted, ctx.services.auth.now())
    })
    await audit(ctx, name, changes)
    return { ...identity(ctx, name), policyText: text }
  },
}

const getRepositoryPolicy: EcrOperation = {
  name: 'GetRepositoryPolicy',
  input: { type: 'structure', required: ['repositoryName'], members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME } },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const name = input['repositoryName'] as string
    await requireManageGrants(ctx, 'GetRepositoryPolicy', name)
    const store = ctx.services.store
    await requireRepository(ctx, store, name)
    const text = renderRepositoryPolicy(await currentGrants(store, name), ctx.registry.accountId)
    if (text === undefined) throw noPolicy(ctx, name)
    return { ...identity(ctx, name), policyText: text }
  },
}

const deleteRepositoryPolicy: EcrOperation = {
  name: 'DeleteRepositoryPolicy',
  input: { type: 'structure', required: ['repositoryName'], members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME } },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const name = input['repositoryName'] as string
    await requireManageGrants(ctx, 'DeleteRepositoryPolicy', name)
    const { text, changes } = await ctx.services.store.transaction(async (tx) => {
      await requireRepository(ctx, tx, name)
      const current = await currentGrants(tx, name)
      const text = renderRepositoryPolicy(current, ctx.registry.accountId)
      if (text === undefined) throw noPolicy(ctx, name)
      return { text, changes: await apply(tx, name, current, { teams: [], public: false }, ctx.services.auth.now()) }
    })
    await audit(ctx, name, changes)
    return { ...identity(ctx, name), policyText: text }
  },
}

export const REPOSITORY_POLICY_OPERATIONS: readonly EcrOperation[] = [setRepositoryPolicy, getRepositoryPolicy, deleteRepositoryPolicy]
