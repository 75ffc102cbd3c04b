/**
 * Plugs the ECR-compatible API into the app (docs/ecr.md): the access-key service (secrets sealed
 * with the key file of the data dir), its management routes /api/v1/access-keys, the door
 * `POST /`, and the pre-signed layer downloads `GET /ecr-download/<token>`.
 */
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { RegistryServices } from '../../app.ts'
import type { PullMetrics } from '../../metrics/registry-metrics.ts'
import { AccessKeyService } from '../../auth/access-keys/access-key-service.ts'
import { SecretBox } from '../../auth/access-keys/secret-box.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import type { RegistryConfig } from '../../config/config.ts'
import { DEFAULT_ECR } from '../../ecr/ecr-config.ts'
import { DOWNLOAD_URL_KEY_FILE, DownloadUrlSigner } from '../../ecr/download/download-url.ts'
import { dataDirKey } from '../../auth/data-dir-key.ts'
import type { LifecycleServices } from '../../lifecycle/register-lifecycle.ts'
import type { MetadataStore } from '../../metadata/store.ts'
import type { PolicyGate } from '../../policy/policy-gate.ts'
import type { Clock } from '../../ports.ts'
import type { ScanService } from '../../scanning/scan-service.ts'
import type { RepositorySettingsService } from '../../settings/settings-service.ts'
import { registerAccessKeysApi } from '../api/access-keys-api.ts'
import type { PullGate } from '../oci/oci-context.ts'
import { registerEcrDoor } from './ecr-door.ts'
import { registerEcrDownload } from './ecr-download-route.ts'

export interface EcrDeps {
  readonly store: MetadataStore
  readonly settings: RepositorySettingsService
  readonly auth: AuthService
  readonly clock: Clock
  readonly registry: RegistryServices
  /** What the download route counts (docs/metrics.md). */
  readonly metrics?: Pick<PullMetrics, 'blobBytesSent'>
  readonly scanning: ScanService | undefined
  readonly lifecycle: LifecycleServices
  readonly gate: PolicyGate
  readonly gateEvents: Pick<PullGate, 'manifestPut' | 'manifestDeleted'> | undefined
}

export function registerEcr(app: FastifyInstance, config: RegistryConfig, deps: EcrDeps): void {
  const ecr = config.ecr ?? DEFAULT_ECR
  const accessKeys = new AccessKeyService(deps.store.accessKeys, deps.store.auth, new SecretBox(config.storage.dataDir), deps.clock, deps.auth.loginThrottle)
  registerAccessKeysApi(app, deps.auth, accessKeys)
  const downloadUrls = new DownloadUrlSigner(dataDirKey(join(config.storage.dataDir, DOWNLOAD_URL_KEY_FILE)), deps.clock, ecr.downloadUrlTtlMs)
  registerEcrDoor(app, {
    config: ecr,
    accessKeys,
    services: {
      store: deps.store, settings: deps.settings, auth: deps.auth, authorizationTokenTtlMs: ecr.authorizationTokenTtlMs,
      clock: deps.clock, registry: deps.registry, scanning: deps.scanning, lifecycle: deps.lifecycle,
      gate: deps.gate, gateEvents: deps.gateEvents, maxManifestBytes: config.limits.maxManifestBytes, scanType: ecr.scanType,
      downloadUrls,
    },
  })
  registerEcrDownload(app, { signer: downloadUrls, auth: deps.auth, blobs: deps.registry.blobs, ...(deps.metrics ? { metrics: deps.metrics } : {}) })
}
