/**
 * Lifecycle previews that are started, then read (ECR's StartLifecyclePolicyPreview and
 * GetLifecyclePolicyPreview): the same evaluation as the preview API (lifecycle-preview.ts), of
 * the repository's effective policy or of a policy text not saved yet, kept in the metadata store
 * (lifecycle-preview-store.ts) so every replica reads the same result and pages through the same
 * list. The evaluation runs within the start; while it runs, the stored preview is IN_PROGRESS
 * and a second start (on any replica) is refused, unless the first is older than STALE_AFTER_MS,
 * as a process that died would leave it.
 */
import { RegistryError } from '../../oci/errors.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { LifecyclePreviewStatus } from '../metadata/lifecycle-preview-store.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { Clock } from '../ports.ts'
import type { LifecyclePreviewService } from './lifecycle-preview.ts'
import { parseLifecyclePolicy } from './parse-policy.ts'
import { LifecyclePolicyError } from './policy-error.ts'

/** A preview IN_PROGRESS for longer than this was left by a process that died. */
export const STALE_AFTER_MS = 10 * 60 * 1000

/** One image the previewed policy would expire (carried manifests go with it, as in a run). */
export interface PreviewedExpiry {
  readonly digest: string
  readonly tags: readonly string[]
  readonly pushedAt: Date
  readonly rulePriority: number
}

export interface StoredLifecyclePreview {
  readonly repositoryName: RepositoryName
  readonly status: LifecyclePreviewStatus
  readonly policyText: string
  readonly startedAt: Date
  /** COMPLETE: the images that would expire, in the preview's order (rule, then oldest first). */
  readonly expired?: readonly PreviewedExpiry[]
  readonly description?: string
}

export interface PreviewRunsDeps {
  readonly store: MetadataStore
  readonly preview: LifecyclePreviewService
  readonly clock: Clock
}

interface StoredResult { readonly expired: readonly { d: string; t: readonly string[]; p: number; r: number }[] }

export class LifecyclePreviewRuns {
  readonly #d: PreviewRunsDeps

  constructor(deps: PreviewRunsDeps) {
    this.#d = deps
  }

  /**
   * Previews `policyText`, else the repository's effective policy. 'busy' when a preview of it
   * is still running. Throws NAME_UNKNOWN, 404 UNSUPPORTED when no policy is given or applies,
   * LifecyclePolicyError for a text the parser refuses (nothing is stored then).
   */
  async start(repo: RepositoryName, policyText?: string): Promise<{ readonly policyText: string } | 'busy'> {
    // Read first even when a text is given: an unknown repository is NAME_UNKNOWN before anything is written.
    const effective = await this.#d.preview.effectivePolicy(repo)
    const text = policyText ?? effective
    if (text === undefined) throw new RegistryError('UNSUPPORTED', `no lifecycle policy applies to repository ${repo}`, { status: 404, detail: { name: repo } })
    parseLifecyclePolicy(text)
    const startedAt = this.#d.clock.now()
    if (!(await this.#d.store.lifecyclePreviews.start(repo, text, startedAt, new Date(startedAt.getTime() - STALE_AFTER_MS)))) return 'busy'
    try {
      const p = await this.#d.preview.previewOf(repo, text)
      const result: StoredResult = { expired: p.expired.map((e) => ({ d: e.digest, t: e.tags, p: e.pushedAt.getTime(), r: e.rulePriority })) }
      await this.#d.store.lifecyclePreviews.finish(repo, startedAt, { status: 'COMPLETE', at: this.#d.clock.now(), result: JSON.stringify(result) })
    } catch (err) {
      // The answer to the start is already "started": the failure is the preview's outcome.
      const description = err instanceof LifecyclePolicyError || err instanceof RegistryError ? err.message : 'the evaluation failed'
      await this.#d.store.lifecyclePreviews.finish(repo, startedAt, { status: 'FAILED', at: this.#d.clock.now(), description })
      if (!(err instanceof LifecyclePolicyError || err instanceof RegistryError)) throw err
    }
    return { policyText: text }
  }

  /** The last preview started for `repo`, undefined when none was. */
  async get(repo: RepositoryName): Promise<StoredLifecyclePreview | undefined> {
    const r = await this.#d.store.lifecyclePreviews.get(repo)
    if (r === undefined) return undefined
    const expired = r.status === 'COMPLETE' && r.result !== undefined
      ? (JSON.parse(r.result) as StoredResult).expired.map((e) => ({ digest: e.d, tags: e.t, pushedAt: new Date(e.p), rulePriority: e.r }))
      : undefined
    return {
      repositoryName: r.repo, status: r.status, policyText: r.policyText, startedAt: r.startedAt,
      ...(expired === undefined ? {} : { expired }), ...(r.description === undefined ? {} : { description: r.description }),
    }
  }
}
