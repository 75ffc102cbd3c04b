/**
 * The lifecycle policy model: ECR's grammar, field for field, so a policy written for ECR reads
 * the same here (docs/lifecycle.md). A LifecyclePolicy only exists once parse-policy.ts has
 * validated it; evaluate.ts trusts its invariants (unique priorities, `any` last, one tag list
 * per tagged rule, countUnit exactly when the count type is an age).
 */

export type TagStatus = 'tagged' | 'untagged' | 'any'

/**
 * `imageCountMoreThan` and `sinceImagePushed` are ECR's; `sinceImagePulled` is ECR's only for
 * its `transition` (archive) action, and a Drydock extension for `expire`.
 */
export type CountType = 'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled'

export interface LifecycleSelection {
  readonly tagStatus: TagStatus
  /** tagged only: every prefix must start at least one of the image's tags. */
  readonly tagPrefixList?: readonly string[]
  /** tagged only: every pattern (`*` wildcards) must match at least one of the image's tags. */
  readonly tagPatternList?: readonly string[]
  /** ECR's storage class filter; Drydock has one storage class, so only `standard` is accepted. */
  readonly storageClass?: 'standard'
  readonly countType: CountType
  /** Present exactly when countType is an age (sinceImagePushed, sinceImagePulled). */
  readonly countUnit?: 'days'
  /** Images kept (imageCountMoreThan) or age in days (since*): a positive integer. */
  readonly countNumber: number
}

export interface LifecycleRule {
  /** Unique in the policy; rules apply lowest first. */
  readonly rulePriority: number
  readonly description?: string
  readonly selection: LifecycleSelection
  readonly action: { readonly type: 'expire' }
}

export interface LifecyclePolicy {
  /** In document order; evaluation orders them by rulePriority. */
  readonly rules: readonly LifecycleRule[]
}

/** ECR's LifecyclePolicyText length bounds, in characters (botocore's service model; not adjustable in ECR). */
export const MIN_POLICY_TEXT_CHARS = 100
export const MAX_POLICY_TEXT_CHARS = 30_720

/** ECR's limit of `*` wildcards in one tagPatternList entry. */
export const MAX_PATTERN_WILDCARDS = 4

/** rulePriority and countNumber are Java ints in ECR; larger values are refused rather than rounded. */
export const MAX_INT32 = 2_147_483_647

export const DAY_MS = 86_400_000
