/**
 * ECR's lifecycle policy operations over Drydock's lifecycle module and repository settings:
 * the policy text is the repository setting `lifecyclePolicy` (validated by the lifecycle parser,
 * kept verbatim), as PUT /api/v1/repositories/{name}/settings stores it; the preview is the
 * lifecycle preview (lifecycle-preview.ts), started and then read (preview-runs.ts).
 *
 * Rights, as the /api/v1 routes: changing or deleting the policy and previewing it need the
 * management right (PUT …/settings, GET …/lifecycle-policy/preview); reading the policy needs
 * pull (GET …/settings).
 */
import { RegistryError } from '../../../oci/errors.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import { parseLifecyclePolicy } from '../../lifecycle/parse-policy.ts'
import { LifecyclePolicyError } from '../../lifecycle/policy-error.ts'
import type { PreviewedExpiry } from '../../lifecycle/preview-runs.ts'
import { requireManage, requirePull } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import type { Shape, StructureShape } from '../shape.ts'
import { checkRegistryId, epochSeconds, NEXT_TOKEN, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'
import { checkImageIdentifier, IMAGE_IDENTIFIER, type ImageIdentifier } from './image-identifier.ts'

const POLICY_TEXT: Shape = { type: 'string', min: 100, max: 30720 }
const DEFAULT_PREVIEW_PAGE = 100

const where = (ctx: EcrContext, repo: string) => `the repository with name '${repo}' in the registry with id '${ctx.registry.accountId}'`

function policyNotFound(ctx: EcrContext, repo: string): EcrError {
  return new EcrError('LifecyclePolicyNotFoundException', `Lifecycle policy does not exist for ${where(ctx, repo)}`)
}

/** The lifecycle parser's refusal, worded as ECR words a policy it refuses. */
function invalidPolicy(err: LifecyclePolicyError): EcrError {
  return new EcrError('InvalidParameterException', `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${err.message}'`)
}

function validated(text: string): string {
  try {
    parseLifecyclePolicy(text)
    return text
  } catch (err) {
    if (err instanceof LifecyclePolicyError) throw invalidPolicy(err)
    throw err
  }
}

async function audit(ctx: EcrContext, repo: string, lifecyclePolicy: boolean): Promise<void> {
  await ctx.services.auth.audit({
    actor: principalName(ctx.principal), action: 'repository.settings', repository: repo, address: ctx.address,
    detail: { via: 'ecr', settings: { lifecyclePolicy } },
  })
}

const repositoryOnly: StructureShape = {
  type: 'structure', required: ['repositoryName'], members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME },
}

const putLifecyclePolicy: EcrOperation = {
  name: 'PutLifecyclePolicy',
  input: {
    type: 'structure',
    required: ['repositoryName', 'lifecyclePolicyText'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, lifecyclePolicyText: POLICY_TEXT },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requireManage(ctx, 'PutLifecyclePolicy', repo)
    const text = validated(input['lifecyclePolicyText'] as string)
    await ctx.services.settings.update(repo, { lifecyclePolicy: text })
    await audit(ctx, repo, true)
    return { registryId: ctx.registry.accountId, repositoryName: repo, lifecyclePolicyText: text }
  },
}

const getLifecyclePolicy: EcrOperation = {
  name: 'GetLifecyclePolicy',
  input: repositoryOnly,
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requirePull(ctx, 'GetLifecyclePolicy', repo)
    // The policy that applies: the repository's own, else its namespace's default (config).
    const text = (await ctx.services.settings.view(repo)).effective.lifecyclePolicy
    if (text === undefined) throw policyNotFound(ctx, repo)
    const evaluated = await ctx.services.lifecycle.expiry.lastEvaluation(repo)
    return {
      registryId: ctx.registry.accountId, repositoryName: repo, lifecyclePolicyText: text,
      ...(evaluated === undefined ? {} : { lastEvaluatedAt: epochSeconds(evaluated) }),
    }
  },
}

const deleteLifecyclePolicy: EcrOperation = {
  name: 'DeleteLifecyclePolicy',
  input: repositoryOnly,
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requireManage(ctx, 'DeleteLifecyclePolicy', repo)
    const removed = await ctx.services.settings.removeLifecyclePolicy(repo)
    if (removed === undefined) {
      const fallback = (await ctx.services.settings.view(repo)).effective.lifecyclePolicy
      if (fallback === undefined) throw policyNotFound(ctx, repo)
      throw new EcrError('LifecyclePolicyNotFoundException',
        `Lifecycle policy does not exist for ${where(ctx, repo)}: the policy that applies is its namespace's default in the server configuration (repositories.defaults), which the API cannot delete`)
    }
    await audit(ctx, repo, false)
    const evaluated = await ctx.services.lifecycle.expiry.lastEvaluation(repo)
    return {
      registryId: ctx.registry.accountId, repositoryName: repo, lifecyclePolicyText: removed,
      ...(evaluated === undefined ? {} : { lastEvaluatedAt: epochSeconds(evaluated) }),
    }
  },
}

const startLifecyclePolicyPreview: EcrOperation = {
  name: 'StartLifecyclePolicyPreview',
  input: {
    type: 'structure', required: ['repositoryName'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, lifecyclePolicyText: POLICY_TEXT },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requireManage(ctx, 'StartLifecyclePolicyPreview', repo)
    const given = input['lifecyclePolicyText'] as string | undefined
    let started
    try {
      started = await ctx.services.lifecycle.previewRuns.start(repo, given === undefined ? undefined : validated(given))
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'UNSUPPORTED' && err.status === 404) throw policyNotFound(ctx, repo)
      if (err instanceof LifecyclePolicyError) throw invalidPolicy(err)
      throw err
    }
    if (started === 'busy') {
      throw new EcrError('LifecyclePolicyPreviewInProgressException', `The previous lifecycle policy preview request has not completed for ${where(ctx, repo)}`)
    }
    return { registryId: ctx.registry.accountId, repositoryName: repo, lifecyclePolicyText: started.policyText, status: 'IN_PROGRESS' }
  },
}

interface PreviewToken { readonly o: number; readonly s: number }

function parsePreviewToken(raw: unknown, startedAt: Date): number {
  if (raw === undefined || raw === null) return 0
  try {
    const t = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8')) as Partial<PreviewToken>
    // Bound to the preview it came from: a new start makes old tokens invalid, not misleading.
    if (typeof t.o === 'number' && Number.isSafeInteger(t.o) && t.o >= 0 && t.s === startedAt.getTime()) return t.o
  } catch {
    // falls through to the error below
  }
  throw new EcrError('InvalidParameterException', "Invalid parameter at 'nextToken' failed to satisfy constraint: 'a token returned by GetLifecyclePolicyPreview for the current preview'")
}

function matches(e: PreviewedExpiry, ids: readonly ImageIdentifier[] | undefined, tagStatus: string | undefined): boolean {
  if (tagStatus === 'TAGGED' && e.tags.length === 0) return false
  if (tagStatus === 'UNTAGGED' && e.tags.length > 0) return false
  if (ids === undefined) return true
  return ids.some((id) => (id.imageDigest === undefined || id.imageDigest === e.digest) && (id.imageTag === undefined || e.tags.includes(id.imageTag)))
}

const getLifecyclePolicyPreview: EcrOperation = {
  name: 'GetLifecyclePolicyPreview',
  input: {
    type: 'structure', required: ['repositoryName'],
    members: {
      registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME,
      imageIds: { type: 'list', member: IMAGE_IDENTIFIER, min: 1, max: 100 },
      nextToken: NEXT_TOKEN,
      maxResults: { type: 'integer', min: 1, max: 100 },
      filter: { type: 'structure', members: { tagStatus: { type: 'string', enum: ['TAGGED', 'UNTAGGED', 'ANY'] } } },
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    await requireManage(ctx, 'GetLifecyclePolicyPreview', repo)
    const ids = input['imageIds'] as ImageIdentifier[] | undefined
    if (ids !== undefined && (input['nextToken'] != null || input['maxResults'] != null)) {
      throw new EcrError('InvalidParameterException', 'nextToken and maxResults cannot be used with imageIds')
    }
    for (const id of ids ?? []) checkImageIdentifier(id)
    await ctx.services.settings.view(repo)
    const preview = await ctx.services.lifecycle.previewRuns.get(repo)
    if (preview === undefined) throw new EcrError('LifecyclePolicyPreviewNotFoundException', `There is no dry run for ${where(ctx, repo)}`)
    const base = { registryId: ctx.registry.accountId, repositoryName: repo, lifecyclePolicyText: preview.policyText, status: preview.status }
    if (preview.expired === undefined) return base
    const offset = parsePreviewToken(input['nextToken'], preview.startedAt)
    const max = (input['maxResults'] as number | undefined) ?? DEFAULT_PREVIEW_PAGE
    const tagStatus = (input['filter'] as { tagStatus?: string } | undefined)?.tagStatus
    const selected = preview.expired.filter((e) => matches(e, ids, tagStatus))
    const page = ids === undefined ? selected.slice(offset, offset + max) : selected
    const more = ids === undefined && offset + max < selected.length
    return {
      ...base,
      previewResults: page.map((e) => ({
        imageTags: [...e.tags], imageDigest: e.digest, imagePushedAt: epochSeconds(e.pushedAt),
        action: { type: 'EXPIRE' }, appliedRulePriority: e.rulePriority,
      })),
      summary: { expiringImageTotalCount: preview.expired.length },
      ...(more ? { nextToken: Buffer.from(JSON.stringify({ o: offset + max, s: preview.startedAt.getTime() })).toString('base64url') } : {}),
    }
  },
}

export const LIFECYCLE_OPERATIONS: readonly EcrOperation[] = [
  putLifecyclePolicy, getLifecyclePolicy, deleteLifecyclePolicy, startLifecyclePolicyPreview, getLifecyclePolicyPreview,
]
