/**
 * DescribeImageScanFindings and StartImageScan over the scan service (scanning/scan-service.ts)
 * and its stored results, exactly what the findings API (/api/v1 …/scan-findings, …/scan)
 * reads and queues. The findings shape is ECR's registry scanning type, `ecr.scanType`: BASIC
 * answers `findings`, ENHANCED `enhancedFindings` (scanning/ecr-findings.ts builds both).
 * Reading findings needs pull; starting a scan needs push, as POST /api/v1 …/images/{ref}/scan.
 */
import type { RepositoryName } from '../../../oci/reference.ts'
import type { ScanService } from '../../scanning/scan-service.ts'
import { findingsPage, findingsView } from '../../scanning/ecr-findings.ts'
import { requirePull, requirePush } from '../ecr-access.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrContext, EcrOperation } from '../operation.ts'
import { checkRegistryId, MAX_RESULTS, NEXT_TOKEN, REGISTRY_ID, REPOSITORY_NAME } from './common-shapes.ts'
import { IMAGE_IDENTIFIER, resolveImage, type ImageIdentifier } from './image-identifier.ts'

/** Dates → epoch seconds, everywhere in an answer (the AWS JSON protocol's timestamps). */
function epochTimes(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000
  if (Array.isArray(value)) return value.map(epochTimes)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, epochTimes(v)]))
  return value
}

function scanNotFound(ctx: EcrContext, repo: string, id: ImageIdentifier): EcrError {
  return new EcrError('ScanNotFoundException',
    `Image scan does not exist for the image with '{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}' in the repository with name '${repo}' in the registry with id '${ctx.registry.accountId}'`)
}

function scanningOf(ctx: EcrContext): ScanService {
  const scanning = ctx.services.scanning
  if (scanning === undefined) throw new EcrError('ValidationException', 'image scanning is not configured on this registry')
  return scanning
}

const describeImageScanFindings: EcrOperation = {
  name: 'DescribeImageScanFindings',
  input: {
    type: 'structure',
    required: ['repositoryName', 'imageId'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, imageId: IMAGE_IDENTIFIER, nextToken: NEXT_TOKEN, maxResults: MAX_RESULTS },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    const id = input['imageId'] as ImageIdentifier
    await requirePull(ctx, 'DescribeImageScanFindings', repo)
    const record = await resolveImage(ctx, repo, id)
    const scan = await ctx.services.scanning?.status(repo, record.digest)
    if (scan === undefined) throw scanNotFound(ctx, repo, id)
    const page = findingsPage(input['maxResults'] as number | undefined, input['nextToken'] as string | undefined, record.digest)
    const view = findingsView(scan, page, ctx.services.scanType, { accountId: ctx.registry.accountId, region: ctx.registry.region, imageTag: id.imageTag })
    return { registryId: ctx.registry.accountId, ...(epochTimes(view) as Record<string, unknown>) }
  },
}

const startImageScan: EcrOperation = {
  name: 'StartImageScan',
  input: {
    type: 'structure',
    required: ['repositoryName', 'imageId'],
    members: { registryId: REGISTRY_ID, repositoryName: REPOSITORY_NAME, imageId: IMAGE_IDENTIFIER },
  },
  async run(ctx, input) {
    checkRegistryId(ctx.registry, input['registryId'])
    const repo = input['repositoryName'] as RepositoryName
    const id = input['imageId'] as ImageIdentifier
    await requirePush(ctx, 'StartImageScan', repo)
    const scanning = scanningOf(ctx)
    const record = await resolveImage(ctx, repo, id)
    const refused = await scanning.requestIfUseful(repo, record.digest)
    if (refused?.kind === 'unsupported') throw new EcrError('UnsupportedImageTypeException', `The image is not supported for scanning: ${refused.reason}`)
    if (refused !== undefined) throw new EcrError('LimitExceededException', `The scan quota per image has been exceeded: ${refused.reason}`)
    return {
      registryId: ctx.registry.accountId,
      repositoryName: repo,
      imageId: { imageDigest: record.digest, ...(id.imageTag === undefined ? {} : { imageTag: id.imageTag }) },
      imageScanStatus: { status: 'IN_PROGRESS', description: 'The scan is queued.' },
    }
  },
}

export const SCAN_OPERATIONS: readonly EcrOperation[] = [describeImageScanFindings, startImageScan]
