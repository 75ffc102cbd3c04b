/**
 * The ECR operation contract. An operation is data plus one function: its name (the part of
 * `X-Amz-Target` after `AmazonEC2ContainerRegistry_V20150921.`), its input shape (shape.ts,
 * checked before `run` is called) and `run`, which maps the request onto Drydock's own services
 * and returns the response object. Operations never see HTTP: the door (http/ecr/) verifies
 * SigV4, parses and validates the body, calls `run` and writes the answer or the error.
 * builtin-operations.ts is the explicit list of implemented operations.
 */
import type { AuthService } from '../auth/auth-service.ts'
import type { Principal } from '../auth/principal.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { RepositorySettingsService } from '../settings/settings-service.ts'
import type { StructureShape } from './shape.ts'

/** Where this registry is, as ECR names it. */
export interface RegistryIdentity {
  readonly accountId: string
  readonly region: string
  /** `http(s)://host[:port]`: GetAuthorizationToken's proxyEndpoint. */
  readonly publicUrl: string
  /** `host[:port]`: the prefix of every repositoryUri. */
  readonly host: string
}

export interface EcrServices {
  readonly store: MetadataStore
  readonly settings: RepositorySettingsService
  readonly auth: AuthService
  readonly authorizationTokenTtlMs: number
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
