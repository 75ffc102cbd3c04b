// Property-style checks of the evaluator on random (seeded, so reproducible) repositories and
// policies, against an independent per-image statement of ECR's rule: an image is expired iff
// the FIRST rule (by priority) whose tag filter matches it marks it, and then by that rule.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { evaluateLifecycle, matchesTagFilter } from './evaluate.ts'
import type { LifecycleImage } from './lifecycle-image.ts'
import { LifecyclePolicyError } from './policy-error.ts'
import { validateLifecyclePolicy } from './parse-policy.ts'
import { DAY_MS, type LifecyclePolicy, type LifecycleRule } from './policy.ts'

const NOW = new Date('2026-06-01T00:00:00Z')
const TAGS = ['prod-1', 'prod-2', 'beta-1', 'beta-2', 'v1', 'v1.2', 'latest', 'nightly-7']
const PREFIXES = ['prod', 'beta', 'v1', 'nightly', 'p']
const PATTERNS = ['prod-*', '*-1', 'v*', '*', 'beta-2', '*ight*']

function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T
}

function someOf<T>(rand: () => number, items: readonly T[], max: number): T[] {
  return [...new Set(Array.from({ length: 1 + Math.floor(rand() * max) }, () => pick(rand, items)))]
}

function randomImages(rand: () => number): LifecycleImage[] {
  const images: LifecycleImage[] = []
  const n = Math.floor(rand() * 25)
  for (let i = 0; i < n; i++) {
    const pushedAt = new Date(NOW.getTime() - Math.floor(rand() * 40) * DAY_MS - (rand() < 0.5 ? 0 : Math.floor(rand() * DAY_MS)))
    const tags = rand() < 0.3 ? [] : someOf(rand, TAGS, 3)
    const pulled = rand() < 0.4 ? { lastPulledAt: new Date(NOW.getTime() - Math.floor(rand() * 40 * DAY_MS)) } : {}
    const subject = images.length > 0 && rand() < 0.15 ? { subject: pick(rand, images).digest } : {}
    images.push({ digest: `sha256:${i.toString(16).padStart(4, '0')}`, tags: rand() < 0.5 && 'subject' in subject ? [] : tags, pushedAt, ...pulled, ...subject })
  }
  return images
}

function randomSelection(rand: () => number, tagStatus: string): object {
  const countType = pick(rand, ['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled'])
  const count = countType === 'imageCountMoreThan' ? { countNumber: 1 + Math.floor(rand() * 6) } : { countUnit: 'days', countNumber: 1 + Math.floor(rand() * 30) }
  const list = tagStatus !== 'tagged' ? {} : rand() < 0.5 ? { tagPrefixList: someOf(rand, PREFIXES, 2) } : { tagPatternList: someOf(rand, PATTERNS, 2) }
  return { tagStatus, ...list, countType, ...count }
}

function randomPolicy(rand: () => number): LifecyclePolicy | undefined {
  const n = 1 + Math.floor(rand() * 4)
  const priorities = [...new Set(Array.from({ length: n }, () => 1 + Math.floor(rand() * 20)))].sort((a, b) => a - b)
  const rules = priorities.map((rulePriority, i) => {
    const last = i === priorities.length - 1
    const tagStatus = last && rand() < 0.4 ? 'any' : rand() < 0.25 ? 'untagged' : 'tagged'
    return { rulePriority, selection: randomSelection(rand, tagStatus), action: { type: 'expire' } }
  })
  if (rand() < 0.5) rules.reverse()
  try {
    return validateLifecyclePolicy({ rules })
  } catch (err) {
    if (err instanceof LifecyclePolicyError) return undefined // e.g. two untagged rules: not a policy
    throw err
  }
}

/** Does `rule` mark `image`, among the candidates its filter matches? Stated per image. */
function marks(rule: LifecycleRule, image: LifecycleImage, candidates: readonly LifecycleImage[]): boolean {
  const s = rule.selection
  if (s.countType === 'imageCountMoreThan') {
    const newer = candidates.filter((o) => matchesTagFilter(s, o.tags) && (o.pushedAt > image.pushedAt || (o.pushedAt.getTime() === image.pushedAt.getTime() && o.digest < image.digest)))
    return newer.length >= s.countNumber
  }
  const pulled = s.countType === 'sinceImagePulled' ? image.lastPulledAt?.getTime() ?? 0 : 0
  return NOW.getTime() - Math.max(image.pushedAt.getTime(), pulled) > s.countNumber * DAY_MS
}

it('random repositories and policies: ECR semantics, one rule per image, a partition of the input', () => {
  const rand = prng(20261204)
  let evaluated = 0
  let expiredSeen = 0
  for (let round = 0; round < 600; round++) {
    const policy = randomPolicy(rand)
    if (policy === undefined) continue
    const images = randomImages(rand)
    const preview = evaluateLifecycle(policy, images, NOW)
    evaluated++
    expiredSeen += preview.expired.length
    const digests = new Set(images.map((i) => i.digest))

    // A partition: every input digest appears exactly once, as expired, carried or kept.
    const listed = [...preview.expired.flatMap((e) => [e.digest, ...e.carried.map((c) => c.digest)]), ...preview.kept]
    assert.equal(listed.length, digests.size, 'no image expired twice, none lost')
    assert.deepEqual(new Set(listed), digests)

    // Referrers of present subjects are never taken by a rule; they go exactly when their subject goes.
    const gone = new Set(listed.slice(0, listed.length - preview.kept.length))
    const dependents = new Set(images.filter((i) => i.subject !== undefined && digests.has(i.subject) && i.subject !== i.digest).map((i) => i.digest))
    for (const e of preview.expired) assert.ok(!dependents.has(e.digest), 'a referrer was taken by a rule')
    for (const image of images) {
      if (dependents.has(image.digest)) assert.equal(gone.has(image.digest), gone.has(image.subject as string), `referrer ${image.digest} vs its subject`)
    }

    // The per-image oracle: expired iff the first rule whose filter matches it marks it.
    const candidates = images.filter((i) => !dependents.has(i.digest))
    const byPriority = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority)
    const takenBy = new Map(preview.expired.map((e) => [e.digest, e.rulePriority]))
    for (const image of candidates) {
      const first = byPriority.find((r) => matchesTagFilter(r.selection, image.tags))
      const expected = first !== undefined && marks(first, image, candidates) ? first.rulePriority : undefined
      assert.equal(takenBy.get(image.digest), expected, `round ${round}: ${image.digest} ${JSON.stringify(image.tags)}`)
    }

    // The `any` rule (always the last) never takes an image another rule's filter matched.
    const anyRule = byPriority.find((r) => r.selection.tagStatus === 'any')
    for (const e of preview.expired) {
      if (e.rulePriority !== anyRule?.rulePriority) continue
      assert.ok(!byPriority.some((r) => r !== anyRule && matchesTagFilter(r.selection, e.tags)), 'any-rule precedence')
    }

    // Input order does not matter.
    assert.deepEqual(evaluateLifecycle(policy, [...images].reverse(), NOW), preview)
  }
  assert.ok(evaluated > 300, `only ${evaluated} random policies were valid`)
  assert.ok(expiredSeen > 500, 'the generator must produce expiries for the properties to mean anything')
})
