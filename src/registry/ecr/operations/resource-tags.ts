/**
 * ECR's resource tags as requests carry them (`[{"Key": "team", "Value": "a"}]`), checked with
 * ECR's limits: at most 50 per repository (TooManyTagsException), keys of 1 to 128 characters
 * not starting with the reserved `aws:`, values of at most 256 (InvalidTagParameterException).
 * CreateRepository and TagResource use it.
 */
import { isRepositoryName, type RepositoryName } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import type { ResourceTag } from '../../metadata/resource-tag-store.ts'
import type { MetadataStore } from '../../metadata/store.ts'
import { requireManage, requirePull } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import type { Shape } from '../shape.ts'

export const MAX_TAGS = 50

const invalid = (message: string): EcrError => new EcrError('InvalidTagParameterException', message)

export function parseTags(raw: unknown): ResourceTag[] {
  const list = (raw ?? []) as ReadonlyArray<{ Key?: string; Value?: string }>
  const seen = new Set<string>()
  const tags = list.map((t) => {
    const key = t.Key ?? ''
    const value = t.Value ?? ''
    if ([...key].length < 1 || [...key].length > 128) throw invalid('Tag keys must have 1 to 128 characters')
    if (key.toLowerCase().startsWith('aws:')) throw invalid(`Tag key '${key.slice(0, 128)}' uses the reserved prefix 'aws:'`)
    if ([...value].length > 256) throw invalid('Tag values must have at most 256 characters')
    if (seen.has(key)) throw invalid(`Tag key '${key}' is given twice`)
    seen.add(key)
    return { key, value }
  })
  if (tags.length > MAX_TAGS) throw new EcrError('TooManyTagsException', `A repository has at most ${MAX_TAGS} tags`)
  return tags
}

// TagResource, UntagResource, ListTagsForResource: the resource is a repository named by its ARN
// (`arn:aws:ecr:<region>:<account>:repository/<name>`, this registry's region and account).
// Reading needs pull; changing needs what changing the repository's settings needs.

const REPOSITORY_ARN = /^arn:aws:ecr:([a-z0-9-]+):([0-9]{12}):repository\/(.+)$/

/** The repository an ARN names, or InvalidParameterException (checked before any access check). */
function repositoryOf(ctx: EcrContext, arn: string): RepositoryName {
  const m = REPOSITORY_ARN.exec(arn)
  const name = m?.[3] ?? ''
  if (!m || m[1] !== ctx.registry.region || m[2] !== ctx.registry.accountId || !isRepositoryName(name)) {
    throw new EcrError('InvalidParameterException',
      `Invalid parameter at 'resourceArn' failed to satisfy constraint: 'a repository ARN of this registry, arn:aws:ecr:${ctx.registry.region}:${ctx.registry.accountId}:repository/<name>'`)
  }
  return name
}

async function requireRepository(ctx: EcrContext, tx: MetadataStore, name: RepositoryName): Promise<void> {
  if (!(await tx.repositories.exists(name))) {
    throw new EcrError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${ctx.registry.accountId}'`)
  }
}

const RESOURCE_ARN: Shape = { type: 'string' }
const TAG_LIST: Shape = { type: 'list', member: { type: 'structure', members: { Key: { type: 'string' }, Value: { type: 'string' } } } }

const auditTags = (ctx: EcrContext, repository: string, detail: Record<string, unknown>) =>
  ctx.services.auth.audit({ actor: principalName(ctx.principal), action: 'repository.settings', repository, address: ctx.address, detail: { via: 'ecr', ...detail } })

const tagResource: EcrOperation = {
  name: 'TagResource',
  input: { type: 'structure', required: ['resourceArn', 'tags'], members: { resourceArn: RESOURCE_ARN, tags: TAG_LIST } },
  async run(ctx, input) {
    const name = repositoryOf(ctx, input['resourceArn'] as string)
    await requireManage(ctx, 'TagResource', name)
    const tags = parseTags(input['tags'])
    await ctx.services.store.transaction(async (tx) => {
      await requireRepository(ctx, tx, name)
      const keys = new Set([...(await tx.resourceTags.list(name)).map((t) => t.key), ...tags.map((t) => t.key)])
      if (keys.size > MAX_TAGS) throw new EcrError('TooManyTagsException', `A repository has at most ${MAX_TAGS} tags; this would make ${keys.size}`)
      await tx.resourceTags.put(name, tags)
    })
    await auditTags(ctx, name, { resourceTags: { set: tags.map((t) => t.key) } })
    return {}
  },
}

const untagResource: EcrOperation = {
  name: 'UntagResource',
  input: { type: 'structure', required: ['resourceArn', 'tagKeys'], members: { resourceArn: RESOURCE_ARN, tagKeys: { type: 'list', member: { type: 'string' } } } },
  async run(ctx, input) {
    const name = repositoryOf(ctx, input['resourceArn'] as string)
    await requireManage(ctx, 'UntagResource', name)
    const keys = input['tagKeys'] as string[]
    for (const key of keys) {
      if ([...key].length < 1 || [...key].length > 128) throw invalid('Tag keys must have 1 to 128 characters')
      if (key.toLowerCase().startsWith('aws:')) throw invalid(`Tag key '${key}' uses the reserved prefix 'aws:'`)
    }
    await ctx.services.store.transaction(async (tx) => {
      await requireRepository(ctx, tx, name)
      await tx.resourceTags.remove(name, keys)
    })
    await auditTags(ctx, name, { resourceTags: { removed: keys } })
    return {}
  },
}

const listTagsForResource: EcrOperation = {
  name: 'ListTagsForResource',
  input: { type: 'structure', required: ['resourceArn'], members: { resourceArn: RESOURCE_ARN } },
  async run(ctx, input) {
    const name = repositoryOf(ctx, input['resourceArn'] as string)
    await requirePull(ctx, 'ListTagsForResource', name)
    await requireRepository(ctx, ctx.services.store, name)
    const tags = await ctx.services.store.resourceTags.list(name)
    return { tags: tags.map((t) => ({ Key: t.key, Value: t.value })) }
  },
}

export const RESOURCE_TAG_OPERATIONS: readonly EcrOperation[] = [tagResource, untagResource, listTagsForResource]
