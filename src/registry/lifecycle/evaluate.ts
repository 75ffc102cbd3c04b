/**
 * Lifecycle evaluation with ECR's semantics (docs/lifecycle.md "Evaluation"):
 *
 * - every rule sees the images its tag filter matches, newest first, as if nothing had been
 *   expired yet, and marks some of them (beyond the first countNumber, or older than countNumber
 *   days);
 * - rules apply in rulePriority order, and an image is expired by at most one rule: a rule
 *   cannot expire an image that the tag filter of a higher-priority rule matched, even one that
 *   rule kept; but such an image still counts in the lower rule's imageCountMoreThan;
 * - counts are of images (digests), not tags.
 *
 * Referrers and index-listed manifests are not images of their own here (dependents.ts): they
 * are neither selected nor counted, and they go with what they belong to. Pure and
 * deterministic: O(n log n) for the sort, then O(rules × n) filtering.
 */
import { dependencyGraph } from './dependents.ts'
import type { ExpiredImage, LifecycleImage, LifecyclePreview } from './lifecycle-image.ts'
import { DAY_MS, type LifecyclePolicy, type LifecycleRule, type LifecycleSelection } from './policy.ts'
import { matchesEveryPattern, matchesEveryPrefix } from './tag-pattern.ts'

/** Newest first; equal push times fall back to the digest so that every run orders alike. */
function newestFirst(a: LifecycleImage, b: LifecycleImage): number {
  return b.pushedAt.getTime() - a.pushedAt.getTime() || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0)
}

export function matchesTagFilter(selection: LifecycleSelection, tags: readonly string[]): boolean {
  switch (selection.tagStatus) {
    case 'any':
      return true
    case 'untagged':
      return tags.length === 0
    case 'tagged':
      if (selection.tagPatternList !== undefined) return matchesEveryPattern(selection.tagPatternList, tags)
      return matchesEveryPrefix(selection.tagPrefixList ?? [], tags) && tags.length > 0
  }
}

/** The moment an age rule measures from. Never pulled: the push (as ECR's archive rules do). */
function ageFrom(selection: LifecycleSelection, image: LifecycleImage): number {
  const pushed = image.pushedAt.getTime()
  if (selection.countType !== 'sinceImagePulled' || image.lastPulledAt === undefined) return pushed
  return Math.max(pushed, image.lastPulledAt.getTime())
}

/** The images a rule marks among those its filter matched (newest first). */
function marked(selection: LifecycleSelection, matched: readonly LifecycleImage[], now: number): readonly LifecycleImage[] {
  if (selection.countType === 'imageCountMoreThan') return matched.slice(selection.countNumber)
  // "Older than N days": exactly N days old is kept.
  const maxAge = selection.countNumber * DAY_MS
  return matched.filter((image) => now - ageFrom(selection, image) > maxAge)
}

function checkInputs(images: readonly LifecycleImage[], now: Date): Map<string, LifecycleImage> {
  if (Number.isNaN(now.getTime())) throw new TypeError('evaluateLifecycle: now is an invalid date')
  const byDigest = new Map<string, LifecycleImage>()
  for (const image of images) {
    if (byDigest.has(image.digest)) throw new TypeError(`evaluateLifecycle: digest ${image.digest} given twice`)
    if (Number.isNaN(image.pushedAt.getTime())) throw new TypeError(`evaluateLifecycle: ${image.digest} has an invalid pushedAt`)
    if (image.lastPulledAt !== undefined && Number.isNaN(image.lastPulledAt.getTime())) {
      throw new TypeError(`evaluateLifecycle: ${image.digest} has an invalid lastPulledAt`)
    }
    byDigest.set(image.digest, image)
  }
  return byDigest
}

export function evaluateLifecycle(policy: LifecyclePolicy, images: readonly LifecycleImage[], now: Date): LifecyclePreview {
  const byDigest = checkInputs(images, now)
  const graph = dependencyGraph(byDigest)
  const candidates = images.filter((image) => !graph.dependents.has(image.digest)).sort(newestFirst)
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority)
  const seenByHigherRule = new Set<string>()
  const takenBy = new Map<string, LifecycleRule>()
  for (const rule of rules) {
    const matched = candidates.filter((image) => matchesTagFilter(rule.selection, image.tags))
    for (const image of marked(rule.selection, matched, now.getTime())) {
      if (!seenByHigherRule.has(image.digest)) takenBy.set(image.digest, rule)
    }
    for (const image of matched) seenByHigherRule.add(image.digest)
  }
  const expiredImages = candidates
    .filter((image) => takenBy.has(image.digest))
    .sort((a, b) => (takenBy.get(a.digest) as LifecycleRule).rulePriority - (takenBy.get(b.digest) as LifecycleRule).rulePriority || newestFirst(b, a))
  const carried = graph.carriedWith(expiredImages.map((image) => image.digest))
  const gone = new Set<string>()
  const expired = expiredImages.map((image): ExpiredImage => {
    const rule = takenBy.get(image.digest) as LifecycleRule
    const withIt = carried.get(image.digest) ?? []
    gone.add(image.digest)
    for (const c of withIt) gone.add(c.digest)
    return {
      digest: image.digest,
      tags: [...image.tags],
      pushedAt: image.pushedAt,
      ...(image.lastPulledAt === undefined ? {} : { lastPulledAt: image.lastPulledAt }),
      rulePriority: rule.rulePriority,
      ...(rule.description === undefined ? {} : { description: rule.description }),
      carried: withIt,
    }
  })
  const kept = [...images].sort(newestFirst).filter((image) => !gone.has(image.digest)).map((image) => image.digest)
  return { evaluatedAt: now, expired, kept }
}
