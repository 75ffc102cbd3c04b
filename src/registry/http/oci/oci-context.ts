// What the /v2 handlers need: the domain services and a few limits. No Fastify state here.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { BlobService } from '../../distribution/blob-service.ts'
import type { ManifestService } from '../../distribution/manifest-service.ts'
import type { ReferrersService } from '../../distribution/referrers-service.ts'
import type { TagService } from '../../distribution/tag-service.ts'
import type { UploadService } from '../../distribution/upload-service.ts'
import type { PullMetrics } from '../../metrics/registry-metrics.ts'

/**
 * The deploy gate as the manifest handlers see it (policy/gate/, docs/policies.md "Enforcement
 * at pull"): a check before a manifest is served, and the writes that can change a verdict.
 */
export interface PullGate {
  /** Throws the OCI `DENIED` error when a policy refuses this digest to the caller. */
  checkPull(request: FastifyRequest, repository: string, digest: string): Promise<void>
  /** A manifest was stored (with its tag and subject, if any). */
  manifestPut(repository: string, tag: string | undefined, subject: string | undefined): void
  /** A manifest or a tag was deleted. */
  manifestDeleted(repository: string): void
}

export interface OciContext {
  readonly blobs: BlobService
  readonly uploads: UploadService
  readonly manifests: ManifestService
  readonly tags: TagService
  readonly referrers: ReferrersService
  readonly maxManifestBytes: number
  /** The deploy gate; absent in apps built without one (the gate itself allows when no policy applies). */
  readonly pullGate?: PullGate
  /** Counts blob bytes sent (docs/metrics.md); nothing when absent. */
  readonly metrics?: Pick<PullMetrics, 'blobBytesSent'>
}

export interface HandlerInput<R> {
  readonly ctx: OciContext
  readonly route: R
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  readonly query: URLSearchParams
}

export type Handler<R> = (input: HandlerInput<R>) => Promise<FastifyReply>
