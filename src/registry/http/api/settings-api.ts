/**
 * Repository settings and explicit creation (docs/api.md "Repository settings"):
 *   POST /api/v1/repositories                  {"repositoryName", ...settings}: an empty repository
 *                                              with its settings, before the first push (201; 409 when it exists)
 *   GET  /api/v1/repositories/{name}/settings  stored and effective settings (needs pull)
 *   PUT  /api/v1/repositories/{name}/settings  replaces the stored settings (absent fields: the defaults)
 * Changing settings and creating need the management right on the repository (permissions.ts
 * mayManage: a namespace admin; a token needs `admin` on a target covering it); with access
 * control off, anyone may, as anyone may push. Changes are audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import { isRepositoryName, type RepositoryName } from '../../../oci/reference.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { principalName, type Principal } from '../../auth/principal.ts'
import type { RepositorySettingsService } from '../../settings/settings-service.ts'
import { parseRepositorySettings } from '../../settings/settings-input.ts'
import { clientAddress } from '../auth/credentials.ts'
import { readJsonObject } from '../auth/read-small-body.ts'
import { repositoryApi } from '../repository-api.ts'
import { authorizedCaller, json } from './api-context.ts'

export interface SettingsApiDeps {
  readonly settings: RepositorySettingsService
  readonly auth: AuthService | undefined
}

export function registerSettingsApi(app: FastifyInstance, deps: SettingsApiDeps): void {
  const { settings, auth } = deps
  const audit = async (request: FastifyRequest, caller: Principal | undefined, action: string, repository: RepositoryName, detail: Record<string, unknown>) => {
    if (auth?.enabled && caller) await auth.audit({ actor: principalName(caller), action, address: clientAddress(request), detail, repository })
  }
  const api = repositoryApi(app, auth)

  api.add({ method: 'GET', path: 'settings', needs: 'pull' }, async (_request, reply, { repo }) => json(reply, 200, await settings.view(repo)))

  api.add({ method: 'PUT', path: 'settings', needs: 'manage' }, async (request, reply, { repo, caller }) => {
    const wanted = parseRepositorySettings(await readJsonObject(request))
    const view = await settings.put(repo, wanted)
    await audit(request, caller, 'repository.settings', repo, { settings: summary(view.stored) })
    return json(reply, 200, view)
  })

  app.post('/api/v1/repositories', async (request, reply) => {
    const { repositoryName, ...rest } = await readJsonObject(request)
    if (typeof repositoryName !== 'string' || !isRepositoryName(repositoryName)) {
      throw new RegistryError('NAME_INVALID', "invalid or missing 'repositoryName'")
    }
    const caller = auth?.enabled ? await authorizedCaller(auth, request, { kind: 'repository', name: repositoryName }) : undefined
    const view = await settings.create(repositoryName, parseRepositorySettings(rest))
    await audit(request, caller, 'repository.create', repositoryName, { settings: summary(view.stored) })
    return json(reply, 201, view)
  })
}

/** What the audit log keeps of a settings change: the switches, not the policy text. */
function summary(s: { readonly scanOnPush?: boolean; readonly imageTagMutability?: string; readonly imageTagMutabilityExclusionFilters?: readonly { filter: string }[]; readonly lifecyclePolicy?: string }): Record<string, unknown> {
  return {
    ...(s.scanOnPush === undefined ? {} : { scanOnPush: s.scanOnPush }),
    ...(s.imageTagMutability === undefined ? {} : { imageTagMutability: s.imageTagMutability }),
    ...(s.imageTagMutabilityExclusionFilters === undefined ? {} : { exclusionFilters: s.imageTagMutabilityExclusionFilters.map((f) => f.filter) }),
    ...(s.lifecyclePolicy === undefined ? {} : { lifecyclePolicy: true }),
  }
}
