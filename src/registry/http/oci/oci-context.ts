// What the /v2 handlers need: the domain services and a few limits. No Fastify state here.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { BlobService } from '../../distribution/blob-service.ts'
import type { ManifestService } from '../../distribution/manifest-service.ts'
import type { ReferrersService } from '../../distribution/referrers-service.ts'
import type { TagService } from '../../distribution/tag-service.ts'
import type { UploadService } from '../../distribution/upload-service.ts'

export interface OciContext {
  readonly blobs: BlobService
  readonly uploads: UploadService
  readonly manifests: ManifestService
  readonly tags: TagService
  readonly referrers: ReferrersService
  readonly maxManifestBytes: number
}

export interface HandlerInput<R> {
  readonly ctx: OciContext
  readonly route: R
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  readonly query: URLSearchParams
}

export type Handler<R> = (input: HandlerInput<R>) => Promise<FastifyReply>
