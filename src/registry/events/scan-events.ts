/**
 * scan.completed / scan.failed from a stored scan outcome (metadata ScanRecord): severity counts
 * of every finding kind, summed over the platforms of an index. Only counts leave the result: no
 * finding text, so a secret finding's (already redacted) evidence never reaches an event.
 */
import { emptyCounts, isReportSeverity } from '../../scanner/report/severity-scale.ts'
import type { ScanRecord } from '../metadata/scan-store.ts'
import { parseScanResult } from '../scanning/scan-result.ts'
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { MetadataStore } from '../metadata/store.ts'
import { MAX_EVENT_TAGS, type EventPublisher, type NewEvent } from './domain-event.ts'

export function scanEvent(scan: ScanRecord, tags: readonly string[]): NewEvent | undefined {
  const image = { repository: scan.repo, digest: scan.digest, actor: 'drydock-scanner', ...(tags.length > 0 ? { tags } : {}) }
  if (scan.status === 'FAILED' || scan.status === 'UNSUPPORTED_IMAGE') {
    return { type: 'scan.failed', ...image, data: { status: scan.status, reason: (scan.description ?? scan.status).slice(0, 300) } }
  }
  if (scan.status !== 'COMPLETE' || scan.result === undefined) return undefined
  const counts = emptyCounts()
  const scanners = new Set<string>()
  const unavailable = new Set<string>()
  for (const { report } of parseScanResult(scan.result).images) {
    for (const [severity, n] of Object.entries(report.counts)) if (isReportSeverity(severity)) counts[severity] += n
    for (const s of report.scanners ?? ['vuln']) scanners.add(s)
    for (const u of report.unavailable ?? []) unavailable.add(u.scanner)
  }
  return {
    type: 'scan.completed', ...image,
    data: { severityCounts: counts, scanners: [...scanners].sort(), ...(unavailable.size > 0 ? { unavailable: [...unavailable].sort() } : {}) },
  }
}

/** Publishes scan.completed / scan.failed whenever a scan's outcome is stored (ScanService.onScanFinished). */
export function publishScanOutcomes(
  scanning: { onScanFinished(listener: (repo: RepositoryName, digest: Digest) => void): () => void } | undefined,
  store: MetadataStore, events: EventPublisher, log: { error(obj: object, msg: string): void },
): void {
  scanning?.onScanFinished((repo, digest) => {
    void (async () => {
      const scan = await store.scans.get(repo, digest)
      if (scan === undefined) return
      const event = scanEvent(scan, await store.tags.ofDigest(repo, digest, MAX_EVENT_TAGS))
      if (event !== undefined) await events.publish(event)
    })().catch((err: unknown) => log.error({ err, repo, digest }, 'could not publish the scan event'))
  })
}
