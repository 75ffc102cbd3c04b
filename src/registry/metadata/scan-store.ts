/**
 * The scan queue and scan results (scan-on-push, docs/scan-on-push.md), one row per manifest
 * (repository + digest). The row is both the job and its outcome:
 *
 *   PENDING ──claim──▶ IN_PROGRESS ──complete──▶ COMPLETE
 *      ▲                   │ ──fail(permanent or attempts used up)──▶ FAILED / UNSUPPORTED_IMAGE
 *      └──retry(backoff)───┘ (a lease that expires without renewal, e.g. after a crash, is claimable again)
 *
 * Claiming takes a lease (owner + expiry): a worker renews it while it scans, so a job held by
 * a process that died is picked up again once the lease runs out. enqueue() on an existing row
 * resets it to PENDING (a rescan); the previous result stays readable until the new one lands.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { SeverityCounts } from '../../scanner/report/severity-scale.ts'

/** The statuses ECR reports in imageScanStatus.status. */
export type ScanStatus = 'PENDING' | 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'UNSUPPORTED_IMAGE'

export interface ScanRecord {
  readonly repo: RepositoryName
  readonly digest: Digest
  readonly status: ScanStatus
  /** Why it failed or is unsupported, or the last transient error while it is retried. */
  readonly description?: string
  readonly attempts: number
  readonly queuedAt: Date
  /** Earliest time a PENDING job may be claimed (retry backoff). */
  readonly notBefore: Date
  readonly leaseOwner?: string
  readonly leaseExpiresAt?: Date
  readonly completedAt?: Date
  /** Scanner version and advisory-data version (ISO import time) that produced `result`. */
  readonly scannerVersion?: string
  readonly advisoryVersion?: string
  /** The stored result document (JSON text, see scanning/scan-result.ts); kept across rescans. */
  readonly result?: string
}

export interface ScanRepo {
  /** Queues (or re-queues) a scan of `digest` in `repo`; it becomes claimable at `at`. */
  enqueue(repo: RepositoryName, digest: Digest, at: Date): Promise<void>
  get(repo: RepositoryName, digest: Digest): Promise<ScanRecord | undefined>
  /**
   * Atomically takes up to `limit` claimable jobs (PENDING with notBefore <= now, or IN_PROGRESS
   * with an expired lease), oldest first, marking them IN_PROGRESS leased to `owner` until
   * now + leaseMs, and counting an attempt.
   */
  claim(owner: string, now: Date, leaseMs: number, limit: number): Promise<readonly ScanRecord[]>
  /** Extends the lease; false when `owner` no longer holds the job (it was re-claimed or reset). */
  renew(repo: RepositoryName, digest: Digest, owner: string, until: Date): Promise<boolean>
  /** Stores the outcome if `owner` still holds the job; false otherwise (the result is dropped). */
  finish(repo: RepositoryName, digest: Digest, owner: string, outcome: ScanOutcome): Promise<boolean>
  /** Puts a held job back to PENDING until `notBefore`, noting the error; false if not held. */
  retry(repo: RepositoryName, digest: Digest, owner: string, notBefore: Date, description: string): Promise<boolean>
  /** Digests of the manifests stored in `repo` (for a repository rescan), at most `limit`. */
  manifestsOf(repo: RepositoryName, limit: number): Promise<readonly Digest[]>
  /** Earliest notBefore / lease expiry among waiting jobs, so an idle worker knows when to look again. */
  nextDue(): Promise<Date | undefined>
  /** Jobs waiting (PENDING) and running (IN_PROGRESS): the queue's depth (metrics). */
  queueDepth(): Promise<{ readonly pending: number; readonly inProgress: number }>
  /**
   * Findings of every stored result by severity: each result's per-image `report.counts`
   * (scanning/scan-result.ts), summed in one query (metrics). Unknown severities are not counted.
   */
  findingsBySeverity(): Promise<SeverityCounts>
}

export interface ScanOutcome {
  readonly status: 'COMPLETE' | 'FAILED' | 'UNSUPPORTED_IMAGE'
  readonly description?: string
  readonly at: Date
  readonly scannerVersion?: string
  readonly advisoryVersion?: string
  /** Replaces the stored result when given; kept otherwise. */
  readonly result?: string
}
