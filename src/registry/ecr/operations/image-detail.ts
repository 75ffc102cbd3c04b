/**
 * ECR's ImageDetail for stored manifests (DescribeImages). What is counted:
 * - imageSizeInBytes: an image manifest's config plus its layers, as pushed (compressed), as ECR
 *   counts it; an index (manifest list) the largest of its images, as ECR documents it.
 * - lastRecordedPullTime: the stored last pull (distribution/pull-recorder.ts writes pulls in
 *   batches, so a pull shows once flushed: `pulls.flushInterval`, and at shutdown).
 * - imageScanStatus / imageScanFindingsSummary: from the stored scan record, in the shape the ECR
 *   findings answer builds (scanning/ecr-findings.ts, shared with DescribeImageScanFindings),
 *   when the image has one.
 */
import type { Digest } from '../../../oci/digest.ts'
import { parseManifest, type ParsedManifest } from '../../../oci/manifest.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import type { ScanRecord } from '../../metadata/scan-store.ts'
import { findingsView } from '../../scanning/ecr-findings.ts'
import type { ManifestRecord } from '../../metadata/store.ts'
import type { EcrContext } from '../operation.ts'
import { epochSeconds } from './common-shapes.ts'
import type { RepositoryImage } from './image-pages.ts'

/** An index inside an index is followed this deep (ECR allows none; OCI does not forbid it). */
const MAX_INDEX_DEPTH = 2

async function parsedOf(ctx: EcrContext, record: ManifestRecord): Promise<ParsedManifest> {
  return parseManifest(await ctx.services.registry.manifests.content(record), record.mediaType)
}

/** See the file comment; a child manifest missing from the repository counts 0. */
export async function imageSize(ctx: EcrContext, record: ManifestRecord, depth = 0): Promise<number> {
  const m = await parsedOf(ctx, record)
  if (m.kind === 'manifest') return m.layers.reduce((sum, l) => sum + l.size, m.config.size)
  if (depth >= MAX_INDEX_DEPTH) return 0
  let largest = 0
  for (const child of m.manifests) {
    const stored = await ctx.services.store.manifests.get(record.repo, child.digest)
    if (stored) largest = Math.max(largest, await imageSize(ctx, stored, depth + 1))
  }
  return largest
}

function scanRecord(ctx: EcrContext, repo: RepositoryName, digest: Digest): Promise<ScanRecord | undefined> {
  return ctx.services.scanning?.status(repo, digest) ?? ctx.services.store.scans.get(repo, digest)
}

/** imageScanStatus and, for a completed scan with vulnerability findings, imageScanFindingsSummary. */
export function scanSummary(ctx: EcrContext, scan: ScanRecord): Record<string, unknown> {
  // The findings answer with a one-finding page: its status and counts are the summary's.
  const view = findingsView(scan, { offset: 0, max: 1 }, 'BASIC', { accountId: ctx.registry.accountId, region: ctx.registry.region })
  const f = view.imageScanFindings
  if (!f) return { imageScanStatus: view.imageScanStatus }
  return {
    imageScanStatus: view.imageScanStatus,
    imageScanFindingsSummary: {
      ...(f.imageScanCompletedAt ? { imageScanCompletedAt: epochSeconds(f.imageScanCompletedAt) } : {}),
      ...(f.vulnerabilitySourceUpdatedAt ? { vulnerabilitySourceUpdatedAt: epochSeconds(f.vulnerabilitySourceUpdatedAt) } : {}),
      findingSeverityCounts: f.findingSeverityCounts,
    },
  }
}

/** The ImageDetail of each image, in order. */
export async function imageDetails(ctx: EcrContext, repo: RepositoryName, images: readonly RepositoryImage[]): Promise<Record<string, unknown>[]> {
  const pulled = images.length === 0 ? new Map<Digest, Date>() : await ctx.services.store.pulls.lastPulled(repo, images.map((i) => i.record.digest))
  const out: Record<string, unknown>[] = []
  for (const { record, tags } of images) {
    const lastPull = pulled.get(record.digest)
    const scan = await scanRecord(ctx, repo, record.digest)
    out.push({
      registryId: ctx.registry.accountId,
      repositoryName: repo,
      imageDigest: record.digest,
      ...(tags.length > 0 ? { imageTags: tags } : {}),
      imageSizeInBytes: await imageSize(ctx, record),
      imagePushedAt: epochSeconds(record.pushedAt),
      ...(scan ? scanSummary(ctx, scan) : {}),
      imageManifestMediaType: record.mediaType,
      ...(record.artifactType === undefined ? {} : { artifactMediaType: record.artifactType }),
      ...(lastPull ? { lastRecordedPullTime: epochSeconds(lastPull) } : {}),
    })
  }
  return out
}
