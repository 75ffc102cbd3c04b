/**
 * The ECR operations' access checks: each asks permissions.ts (the one place rules live), and a
 * refusal becomes AccessDeniedException, worded as AWS words it. Checked before anything is
 * looked up, so a refusal tells nothing about which repositories exist.
 */
import { mayManage } from '../auth/permissions.ts'
import { principalName } from '../auth/principal.ts'
import type { GrantRecord } from '../metadata/auth-store.ts'
import { EcrError } from './ecr-error.ts'
import type { EcrContext } from './operation.ts'

function denied(ctx: EcrContext, action: string, repo: string): EcrError {
  const arn = `arn:aws:ecr:${ctx.registry.region}:${ctx.registry.accountId}:repository/${repo}`
  return new EcrError('AccessDeniedException', `User: ${principalName(ctx.principal)} is not authorized to perform: ecr:${action} on resource: ${arn}`)
}

/** Throws AccessDeniedException unless the caller may pull `repo`. */
export async function requirePull(ctx: EcrContext, action: string, repo: string): Promise<void> {
  if (!(await ctx.services.auth.allowed(ctx.principal, repo)).includes('pull')) throw denied(ctx, action, repo)
}

/** Throws AccessDeniedException unless the caller may push to `repo` (as a /v2 upload needs). */
export async function requirePush(ctx: EcrContext, action: string, repo: string): Promise<void> {
  if (!(await ctx.services.auth.allowed(ctx.principal, repo)).includes('push')) throw denied(ctx, action, repo)
}

/** Deleting images (BatchDeleteImage): the delete right, as DELETE /v2/<name>/manifests/<ref>. */
export async function requireDelete(ctx: EcrContext, action: string, repo: string): Promise<void> {
  if (!(await ctx.services.auth.allowed(ctx.principal, repo)).includes('delete')) throw denied(ctx, action, repo)
}

/** Creating and deleting repositories: the management right on the repository, as POST /api/v1/repositories. */
export async function requireManage(ctx: EcrContext, action: string, repo: string): Promise<void> {
  if (!(await mayManage(ctx.principal, { kind: 'repository', name: repo }, ctx.services.auth.permissions))) throw denied(ctx, action, repo)
}

export async function canPull(ctx: EcrContext, repo: string): Promise<boolean> {
  return (await ctx.services.auth.allowed(ctx.principal, repo)).includes('pull')
}

/**
 * Reading and changing the team grants and visibility of `repo` (its repository policy): the
 * right to manage its namespace, as PUT /api/v1/orgs/{org}/teams/{team}/grants; `grants` are the
 * rights handed out, which the credential must hold itself.
 */
export async function requireManageGrants(ctx: EcrContext, action: string, repo: string, grants: readonly GrantRecord[] = []): Promise<void> {
  const org = repo.split('/')[0] ?? ''
  if (!(await mayManage(ctx.principal, { kind: 'namespace', org, grants }, ctx.services.auth.permissions))) throw denied(ctx, action, repo)
}
