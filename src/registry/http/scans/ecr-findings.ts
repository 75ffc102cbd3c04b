/**
 * The findings API's rendering of ECR's DescribeImageScanFindings answer (/api/v1 …/scan-findings):
 * what is listed, merged, counted and paged is decided in scanning/ecr-findings.ts (shared with
 * the ECR door); this adds the query parameters (?maxResults=&nextToken=) and ISO times.
 */
import type { ScanRecord } from '../../metadata/scan-store.ts'
import { findingsPage, findingsView, type FindingsView } from '../../scanning/ecr-findings.ts'

/** The ECR findings answer (scanning/ecr-findings.ts, basic findings) with ISO times, paged by ?maxResults=&nextToken=. */
export function describeFindings(scan: ScanRecord, imageTag: string | undefined, query: URLSearchParams): Record<string, unknown> {
  const raw = query.get('maxResults')
  const page = findingsPage(raw === null ? undefined : Number(raw), query.get('nextToken') ?? undefined, scan.digest)
  return isoTimes(findingsView(scan, page, 'BASIC', { accountId: '', region: '', imageTag }))
}

function isoTimes(view: FindingsView): Record<string, unknown> {
  const f = view.imageScanFindings
  if (f === undefined) return { ...view }
  return {
    ...view,
    imageScanFindings: {
      ...f,
      imageScanCompletedAt: f.imageScanCompletedAt?.toISOString(),
      ...(f.vulnerabilitySourceUpdatedAt ? { vulnerabilitySourceUpdatedAt: f.vulnerabilitySourceUpdatedAt.toISOString() } : {}),
    },
  }
}

