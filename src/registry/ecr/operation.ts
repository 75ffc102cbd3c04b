/**
 * The ECR operation contract. An operation is data plus one function: its name (the part of
 * `X-Amz-Target` after `AmazonEC2ContainerRegistry_V20150921.`), its input shape (shape.ts,
 * checked before `run` is called) and `run`, which maps the request onto Drydock's own services
 * and returns the response object. Operations never see HTTP: the door (http/ecr/) verifies
 * SigV4, parses and validates the body, calls `run` and writes the answer or the error.
 * builtin-operations.ts is the explicit list of implemented operations.
 */
import type { RegistryServices } from '../app.ts'
import type { AuthService } from '../auth/auth-service.ts'
import type { Principal } from '../auth/principal.ts'
import type { PullGate } from '../http/oci/oci-context.ts'
import type { LifecycleServices } from '../lifecycle/register-lifecycle.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { PolicyGate } from '../policy/policy-gate.ts'
import type { Clock } from '../ports.ts'
import type { EcrScanType } from '../scanning/ecr-findings.ts'
import type { ScanService } from '../scanning/scan-service.ts'
import type { RepositorySettingsService } from '../settings/settings-service.ts'
import type { StructureShape } from './shape.ts'
import type { DownloadUrlSigner } from './download/download-url.ts'

/** Where this registry is, as ECR names it. */
export interface RegistryIdentity {
  readonly accountId: string
  readonly region: string
  /** `http(s)://host[:port]`: GetAuthorizationToken's proxyEndpoint. */
  readonly publicUrl: string
  /** `host[:port]`: the prefix of every repositoryUri. */
  readonly host: string
}

/**
 * The same domain services every other door uses (many doors, one house): an ECR operation
 * never reaches storage, SQL or a rule of its own.
 */
export interface EcrServices {
  readonly store: MetadataStore
  readonly settings: RepositorySettingsService
  readonly auth: AuthService
  readonly authorizationTokenTtlMs: number
  readonly clock: Clock
  /** Blobs, uploads, manifests, tags, referrers (the /v2 door's services). */
  readonly registry: RegistryServices
  /** Scan on push and the stored findings; absent when scanning is not configured. */
  readonly scanning: ScanService | undefined
  /** Lifecycle preview, runs and the restore window. */
  readonly lifecycle: LifecycleServices
  /** The deploy gate: a manifest handed out by BatchGetImage passes it as a /v2 GET does. */
  readonly gate: PolicyGate
  /** What the gate must hear of manifest writes and deletes (as the /v2 handlers tell it). */
  readonly gateEvents: Pick<PullGate, 'manifestPut' | 'manifestDeleted'> | undefined
  /** Largest manifest accepted (PutImage), as on /v2. */
  readonly maxManifestBytes: number
  /** ECR's registry scanning type (`ecr.scanType`): the findings shape DescribeImageScanFindings answers with. */
  readonly scanType: EcrScanType
  /** Mints GetDownloadUrlForLayer's pre-signed URLs (download/download-url.ts). */
  readonly downloadUrls: DownloadUrlSigner
}

export interface EcrContext {
  /** Who signed the request (the access key's owner). */
  readonly principal: Principal
  readonly registry: RegistryIdentity
  readonly services: EcrServices
  /** Client address, for the audit log. */
  readonly address: string
}

export interface EcrOperation {
  readonly name: string
  readonly input: StructureShape
  /** Largest request body accepted (bytes); the door's default when absent. */
  readonly maxBodyBytes?: number
  /** The response object; throws EcrError or a domain error (RegistryError). */
  run(ctx: EcrContext, input: Record<string, unknown>): Promise<Record<string, unknown>>
}
