/**
 * ECR's layer operations (docs/ecr.md "Layers"): the pull side (layers-pull.ts:
 * BatchCheckLayerAvailability, GetDownloadUrlForLayer) and the push side (layers-upload.ts:
 * InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload), over the blob and upload services
 * /v2 uses, with /v2's permission rules (pull, push).
 */
import type { EcrOperation } from '../operation.ts'
import { LAYER_PULL_OPERATIONS } from './layers-pull.ts'
import { LAYER_UPLOAD_OPERATIONS } from './layers-upload.ts'

export const LAYER_OPERATIONS: readonly EcrOperation[] = [...LAYER_PULL_OPERATIONS, ...LAYER_UPLOAD_OPERATIONS]
