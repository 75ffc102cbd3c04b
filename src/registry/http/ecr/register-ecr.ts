/**
 * Plugs the ECR-compatible API into the app (docs/ecr.md): the access-key service (secrets sealed
 * with the key file of the data dir), its management routes /api/v1/access-keys, and the door
 * `POST /`.
 */
import type { FastifyInstance } from 'fastify'
import { AccessKeyService } from '../../auth/access-keys/access-key-service.ts'
import { SecretBox } from '../../auth/access-keys/secret-box.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import type { RegistryConfig } from '../../config/config.ts'
import { DEFAULT_ECR } from '../../ecr/ecr-config.ts'
import type { MetadataStore } from '../../metadata/store.ts'
import type { Clock } from '../../ports.ts'
import type { RepositorySettingsService } from '../../settings/settings-service.ts'
import { registerAccessKeysApi } from '../api/access-keys-api.ts'
import { registerEcrDoor } from './ecr-door.ts'

export interface EcrDeps {
  readonly store: MetadataStore
  readonly settings: RepositorySettingsService
  readonly auth: AuthService
  readonly clock: Clock
}

export function registerEcr(app: FastifyInstance, config: RegistryConfig, deps: EcrDeps): void {
  const ecr = config.ecr ?? DEFAULT_ECR
  const accessKeys = new AccessKeyService(deps.store.accessKeys, deps.store.auth, new SecretBox(config.storage.dataDir), deps.clock)
  registerAccessKeysApi(app, deps.auth, accessKeys)
  registerEcrDoor(app, {
    config: ecr,
    accessKeys,
    services: { store: deps.store, settings: deps.settings, auth: deps.auth, authorizationTokenTtlMs: ecr.authorizationTokenTtlMs },
  })
}
