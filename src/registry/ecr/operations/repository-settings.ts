/**
 * PutImageTagMutability and PutImageScanningConfiguration: ECR's per-setting writes onto
 * Drydock's repository settings (settings/settings-service.ts `update`: the other settings are
 * kept), with the right of PUT /api/v1/repositories/{name}/settings (managing the repository).
 * Tag mutability takes ECR's four modes; the *_WITH_EXCLUSION ones carry 1 to 5 WILDCARD filters,
 * checked by the same rules as the settings API (settings/settings-input.ts).
 */
import { RegistryError } from '../../../oci/errors.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { principalName } from '../../auth/principal.ts'
import type { RepositorySettings } from '../../metadata/settings-store.ts'
import { TAG_MUTABILITIES } from '../../metadata/settings-store.ts'
import type { SettingsView } from '../../settings/settings-service.ts'
import { parseRepositorySettings } from '../../settings/settings-input.ts'
import { requireManage } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import type { Shape } from '../shape.ts'
import { checkRegistryId, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'

/** ECR's ImageTagMutability, as the current service model has it (the Debian model: the first two). */
export const IMAGE_TAG_MUTABILITY: Shape = { type: 'string', enum: TAG_MUTABILITIES }
/** ECR's ImageTagMutabilityExclusionFilters (newer than the Debian model; the AWS SDK v3 sends them). */
export const EXCLUSION_FILTERS: Shape = {
  type: 'list', min: 1, max: 5,
  member: {
    type: 'structure', required: ['filterType', 'filter'],
    members: { filterType: { type: 'string', enum: ['WILDCARD'] }, filter: { type: 'string', min: 1, max: 128 } },
  },
}

/**
 * The mutability part of a request (`imageTagMutability` with its exclusion filters) as
 * repository settings, checked as the settings API checks them; InvalidParameterException otherwise.
 */
export function mutabilitySettings(input: Record<string, unknown>): RepositorySettings {
  const mode = input['imageTagMutability']
  const filters = input['imageTagMutabilityExclusionFilters']
  try {
    return parseRepositorySettings({
      ...(mode == null ? {} : { imageTagMutability: mode }),
      ...(filters == null ? {} : { imageTagMutabilityExclusionFilters: filters }),
    })
  } catch (err) {
    if (err instanceof RegistryError && err.status === 400) throw new EcrError('InvalidParameterException', err.message)
    throw err
  }
}

function notFound(ctx: EcrContext, name: string): EcrError {
  return new EcrError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${ctx.registry.accountId}'`)
}

async function update(ctx: EcrContext, name: string, change: RepositorySettings): Promise<SettingsView> {
  try {
    return await ctx.services.settings.update(name as RepositoryName, change)
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'NAME_UNKNOWN') throw notFound(ctx, name)
    throw err
  }
}

const audit = (ctx: EcrContext, repository: string, detail: Record<string, unknown>) =>
  ctx.services.auth.audit({ actor: principalName(ctx.principal), action: 'repository.settings', repository, address: ctx.address, detail: { via: 'ecr', ...detail } })

const putImageTagMutability: EcrOperation = {
  name: 'PutImageTagMutability',
  input: {
    type: 'structure',
    required: ['repositoryName', 'imageTagMutability'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, imageTagMutability: IMAGE_TAG_MUTABILITY, imageTagMutabilityExclusionFilters: EXCLUSION_FILTERS },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const name = input['repositoryName'] as string
    await requireManage(ctx, 'PutImageTagMutability', name)
    const change = mutabilitySettings(input)
    const view = await update(ctx, name, change)
    const filters = view.effective.imageTagMutabilityExclusionFilters
    await audit(ctx, name, { imageTagMutability: view.effective.imageTagMutability, ...(filters.length > 0 ? { exclusionFilters: filters.map((f) => f.filter) } : {}) })
    return {
      registryId: ctx.registry.accountId,
      repositoryName: name,
      imageTagMutability: view.effective.imageTagMutability,
      ...(filters.length > 0 ? { imageTagMutabilityExclusionFilters: filters } : {}),
    }
  },
}

const putImageScanningConfiguration: EcrOperation = {
  name: 'PutImageScanningConfiguration',
  input: {
    type: 'structure',
    required: ['repositoryName', 'imageScanningConfiguration'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, imageScanningConfiguration: { type: 'structure', members: { scanOnPush: { type: 'boolean' } } } },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const name = input['repositoryName'] as string
    await requireManage(ctx, 'PutImageScanningConfiguration', name)
    // As on ECR, the configuration is replaced: a scanOnPush left out is false.
    const scanOnPush = (input['imageScanningConfiguration'] as { scanOnPush?: boolean }).scanOnPush === true
    const view = await update(ctx, name, { scanOnPush })
    await audit(ctx, name, { scanOnPush })
    return { registryId: ctx.registry.accountId, repositoryName: name, imageScanningConfiguration: { scanOnPush: view.effective.scanOnPush } }
  },
}

export const REPOSITORY_SETTINGS_OPERATIONS: readonly EcrOperation[] = [putImageTagMutability, putImageScanningConfiguration]
