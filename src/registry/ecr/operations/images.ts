/**
 * ECR's image operations (docs/ecr.md "Images"), each a thin adapter over the /v2 door's domain
 * services: manifests, tags, referrers, the pull recorder, the deploy gate, scan records.
 */
import type { EcrOperation } from '../operation.ts'
import { IMAGE_DELETE_OPERATIONS } from './images-delete.ts'
import { IMAGE_GET_OPERATIONS } from './images-get.ts'
import { IMAGE_LISTING_OPERATIONS } from './images-list.ts'
import { IMAGE_PUT_OPERATIONS } from './images-put.ts'
import { IMAGE_REFERRER_OPERATIONS } from './images-referrers.ts'

export const IMAGE_OPERATIONS: readonly EcrOperation[] = [
  ...IMAGE_LISTING_OPERATIONS,
  ...IMAGE_GET_OPERATIONS,
  ...IMAGE_PUT_OPERATIONS,
  ...IMAGE_DELETE_OPERATIONS,
  ...IMAGE_REFERRER_OPERATIONS,
]
