/**
 * What ECR's asynchronous lifecycle preview needs from the metadata store (the rules live in
 * registry/lifecycle/preview-runs.ts): per repository, the last preview started, its policy
 * text and, once finished, its result. Kept in the store, not in a process, so a preview
 * started through one replica is read through any other, and one running on one replica makes a
 * second start on another wait. The store checks nothing else.
 */
import type { RepositoryName } from '../../oci/reference.ts'

export type LifecyclePreviewStatus = 'IN_PROGRESS' | 'COMPLETE' | 'FAILED'

export interface LifecyclePreviewRecord {
  readonly repo: RepositoryName
  readonly status: LifecyclePreviewStatus
  /** The policy previewed: the one given to the start, else the repository's own at that time. */
  readonly policyText: string
  readonly startedAt: Date
  readonly finishedAt?: Date
  /** The outcome, as JSON text written by the lifecycle module (COMPLETE). */
  readonly result?: string
  /** Why it failed (FAILED). */
  readonly description?: string
}

export interface LifecyclePreviewOutcome {
  readonly status: 'COMPLETE' | 'FAILED'
  readonly at: Date
  readonly result?: string
  readonly description?: string
}

export interface LifecyclePreviewRepo {
  /**
   * Starts a preview of `repo` (which must exist), replacing the earlier one, unless a preview
   * started after `busySince` is still IN_PROGRESS: false then, and nothing is written.
   */
  start(repo: RepositoryName, policyText: string, at: Date, busySince: Date): Promise<boolean>
  /** Stores the outcome of the preview started at `startedAt`; false when a later start replaced it. */
  finish(repo: RepositoryName, startedAt: Date, outcome: LifecyclePreviewOutcome): Promise<boolean>
  get(repo: RepositoryName): Promise<LifecyclePreviewRecord | undefined>
}
