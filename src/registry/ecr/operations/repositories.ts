/**
 * CreateRepository, DescribeRepositories, DeleteRepository: ECR's repositories are Drydock's
 * repositories with their settings (settings/settings-service.ts). Scan on push and tag
 * mutability map onto the repository settings; encryption is always AES256 (KMS is refused);
 * resource tags are kept (metadata/resource-tag-store.ts) and deleted with the repository.
 */
import { RegistryError } from '../../../oci/errors.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import type { SettingsView } from '../../settings/settings-service.ts'
import { canPull, requireManage, requirePull } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import { parseTags } from './resource-tags.ts'
import { EXCLUSION_FILTERS, IMAGE_TAG_MUTABILITY, mutabilitySettings } from './repository-settings.ts'
import { checkRegistryId, epochSeconds, MAX_RESULTS, NEXT_TOKEN, REGISTRY_ID, repositoryArn, REPOSITORY_NAME } from './common-shapes.ts'

const DEFAULT_PAGE = 100

function notFound(ctx: EcrContext, name: string): EcrError {
  return new EcrError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${ctx.registry.accountId}'`)
}

/** ECR's Repository structure for a Drydock repository. */
export function repositoryView(ctx: EcrContext, view: SettingsView): Record<string, unknown> {
  return {
    repositoryArn: repositoryArn(ctx.registry, view.repositoryName),
    registryId: ctx.registry.accountId,
    repositoryName: view.repositoryName,
    repositoryUri: `${ctx.registry.host}/${view.repositoryName}`,
    ...(view.createdAt ? { createdAt: epochSeconds(new Date(view.createdAt)) } : {}),
    imageTagMutability: view.effective.imageTagMutability,
    ...(view.effective.imageTagMutabilityExclusionFilters.length > 0 ? { imageTagMutabilityExclusionFilters: view.effective.imageTagMutabilityExclusionFilters } : {}),
    imageScanningConfiguration: { scanOnPush: view.effective.scanOnPush },
    encryptionConfiguration: { encryptionType: 'AES256' },
  }
}

/** The repository's settings view, or RepositoryNotFoundException. */
async function viewOf(ctx: EcrContext, name: string): Promise<SettingsView> {
  try {
    return await ctx.services.settings.view(name as RepositoryName)
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'NAME_UNKNOWN') throw notFound(ctx, name)
    throw err
  }
}

const createRepository: EcrOperation = {
  name: 'CreateRepository',
  input: {
    type: 'structure',
    required: ['repositoryName'],
    members: {
      registryId: REGISTRY_ID,
      repositoryName: REPOSITORY_NAME,
      tags: { type: 'list', member: { type: 'structure', members: { Key: { type: 'string' }, Value: { type: 'string' } } } },
      imageTagMutability: IMAGE_TAG_MUTABILITY,
      imageTagMutabilityExclusionFilters: EXCLUSION_FILTERS,
      imageScanningConfiguration: { type: 'structure', members: { scanOnPush: { type: 'boolean' } } },
      encryptionConfiguration: {
        type: 'structure', required: ['encryptionType'],
        members: { encryptionType: { type: 'string', enum: ['AES256', 'KMS'] }, kmsKey: { type: 'string', min: 1, max: 2048 } },
      },
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const name = input['repositoryName'] as string
    await requireManage(ctx, 'CreateRepository', name)
    const tags = parseTags(input['tags'])
    const encryption = input['encryptionConfiguration'] as { encryptionType?: string } | undefined
    if (encryption?.encryptionType === 'KMS') {
      throw new EcrError('InvalidParameterException', "Drydock encrypts nothing with KMS; use encryptionType 'AES256' or leave it out")
    }
    const scanning = input['imageScanningConfiguration'] as { scanOnPush?: boolean } | undefined
    const mutability = mutabilitySettings(input)
    let view: SettingsView
    try {
      view = await ctx.services.settings.create(name as RepositoryName, {
        ...(typeof scanning?.scanOnPush === 'boolean' ? { scanOnPush: scanning.scanOnPush } : {}),
        ...mutability,
      })
    } catch (err) {
      if (err instanceof RegistryError && err.status === 409) {
        throw new EcrError('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${ctx.registry.accountId}'`)
      }
      throw err
    }
    if (tags.length > 0) await ctx.services.store.resourceTags.put(name as RepositoryName, tags)
    await ctx.services.auth.audit({ actor: principalName(ctx.principal), action: 'repository.create', repository: name, address: ctx.address, detail: { via: 'ecr' } })
    return { repository: repositoryView(ctx, view) }
  },
}

interface PageToken { readonly after: string }

function parseToken(raw: unknown): PageToken | undefined {
  if (raw === undefined || raw === null) return undefined
  try {
    const t = JSON.parse(Buffer.from(String(raw), 'base64url').toString('utf8')) as { a?: unknown }
    if (typeof t.a === 'string' && t.a.length <= 256) return { after: t.a }
  } catch {
    // falls through to the error below
  }
  throw new EcrError('InvalidParameterException', "Invalid parameter at 'nextToken' failed to satisfy constraint: 'a token returned by DescribeRepositories'")
}

const describeRepositories: EcrOperation = {
  name: 'DescribeRepositories',
  input: {
    type: 'structure',
    members: {
      registryId: REGISTRY_ID,
      repositoryNames: { type: 'list', member: REPOSITORY_NAME, min: 1, max: 100 },
      nextToken: NEXT_TOKEN,
      maxResults: MAX_RESULTS,
    },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const names = input['repositoryNames'] as string[] | undefined
    if (names) {
      if (input['nextToken'] != null || input['maxResults'] != null) {
        throw new EcrError('InvalidParameterException', 'nextToken and maxResults cannot be used with repositoryNames')
      }
      const unique = [...new Set(names)]
      for (const name of unique) await requirePull(ctx, 'DescribeRepositories', name)
      const views = []
      for (const name of unique) views.push(repositoryView(ctx, await viewOf(ctx, name)))
      return { repositories: views }
    }
    return listRepositories(ctx, parseToken(input['nextToken']), (input['maxResults'] as number | undefined) ?? DEFAULT_PAGE)
  },
}

/** One page of the repositories the caller may pull, in name order. */
async function listRepositories(ctx: EcrContext, token: PageToken | undefined, max: number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown>[] = []
  let last = token?.after as RepositoryName | undefined
  for (;;) {
    const batch = await ctx.services.store.repositories.list({ n: 200, ...(last ? { last } : {}) })
    for (const name of batch) {
      last = name
      if (!(await canPull(ctx, name))) continue
      if (out.length === max) {
        // One more visible repository exists: the page ends before it.
        const after = out[out.length - 1]?.['repositoryName'] as string
        return { repositories: out, nextToken: Buffer.from(JSON.stringify({ a: after })).toString('base64url') }
      }
      out.push(repositoryView(ctx, await viewOf(ctx, name)))
    }
    if (batch.length < 200) return { repositories: out }
  }
}

const deleteRepository: EcrOperation = {
  name: 'DeleteRepository',
  input: {
    type: 'structure',
    required: ['repositoryName'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, force: { type: 'boolean' } },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const name = input['repositoryName'] as RepositoryName
    await requireManage(ctx, 'DeleteRepository', name)
    const view = await viewOf(ctx, name)
    const deleted = await ctx.services.store.transaction(async (tx) => {
      if (input['force'] !== true && (await tx.repositories.hasManifests(name))) {
        throw new EcrError('RepositoryNotEmptyException',
          `The repository with name '${name}' in registry with id '${ctx.registry.accountId}' cannot be deleted because it still contains images`)
      }
      return tx.repositories.delete(name)
    })
    if (!deleted) throw notFound(ctx, name)
    // A repository made again under this name must start private, as every new one does.
    await ctx.services.auth.repos.publicRepos.setPublic(name, false, ctx.services.auth.now())
    await ctx.services.auth.audit({ actor: principalName(ctx.principal), action: 'repo.delete', repository: name, address: ctx.address, detail: { via: 'ecr', force: input['force'] === true } })
    return { repository: repositoryView(ctx, view) }
  },
}

export const REPOSITORY_OPERATIONS: readonly EcrOperation[] = [createRepository, describeRepositories, deleteRepository]
