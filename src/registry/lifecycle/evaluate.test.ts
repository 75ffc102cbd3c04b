// Lifecycle evaluation against the outcomes ECR documents ("Examples of lifecycle policies",
// "How lifecycle policies work"), then Drydock's additions: sinceImagePulled for expire, and
// referrers / index-listed manifests going with what they belong to.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fakeClock } from '../ports.ts'
import { evaluateLifecycle } from './evaluate.ts'
import type { LifecycleImage, LifecyclePreview } from './lifecycle-image.ts'
import { parseLifecyclePolicy } from './parse-policy.ts'
import { DAY_MS, type LifecyclePolicy } from './policy.ts'

const NOW = new Date('2026-06-01T12:00:00Z')

function pushed(daysAgo: number, now = NOW): Date {
  return new Date(now.getTime() - daysAgo * DAY_MS)
}

/** An image named by a letter; its digest is `sha256:` + the letter, so assertions stay readable. */
function image(name: string, tags: readonly string[], daysAgo: number, extra: Partial<LifecycleImage> = {}): LifecycleImage {
  return { digest: `sha256:${name}`, tags, pushedAt: pushed(daysAgo), ...extra }
}

function policy(rules: readonly object[]): LifecyclePolicy {
  return parseLifecyclePolicy(JSON.stringify({ rules }).padEnd(100, ' '))
}

function rule(rulePriority: number, selection: object, description?: string): object {
  return { rulePriority, ...(description === undefined ? {} : { description }), selection, action: { type: 'expire' } }
}

/** name → rulePriority of the rule that takes it. */
function takenBy(preview: LifecyclePreview): Record<string, number> {
  return Object.fromEntries(preview.expired.map((e) => [e.digest.slice('sha256:'.length), e.rulePriority]))
}

describe('ECR examples', () => {
  it('filtering on image age: untagged images older than 14 days', () => {
    const p = policy([rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, 'Expire images older than 14 days')])
    const preview = evaluateLifecycle(p, [image('a', [], 20), image('b', [], 15), image('c', [], 3), image('d', ['v1'], 30)], NOW)
    assert.deepEqual(takenBy(preview), { a: 1, b: 1 })
    assert.equal(preview.expired[0]?.description, 'Expire images older than 14 days')
    assert.deepEqual(preview.kept, ['sha256:c', 'sha256:d'])
  })

  it('filtering on image age with tagPatternList prod* older than 14 days', () => {
    const p = policy([rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 })])
    const images = [image('a', ['prod'], 20), image('b', ['prod2', 'x'], 15), image('c', ['prod1'], 2), image('d', ['preprod'], 40), image('e', [], 40)]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { a: 1, b: 1 })
  })

  it('filtering on image count: keep only one untagged image', () => {
    const p = policy([rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })])
    const preview = evaluateLifecycle(p, [image('a', [], 3), image('b', [], 2), image('c', [], 1), image('d', ['latest'], 9)], NOW)
    assert.deepEqual(takenBy(preview), { a: 1, b: 1 })
    assert.deepEqual(preview.expired.map((e) => e.digest), ['sha256:a', 'sha256:b'], 'oldest first')
  })

  const abc = [image('a', ['beta-1', 'prod-1'], 10), image('b', ['beta-2', 'prod-2'], 9), image('c', ['beta-3'], 8)]

  it('multiple rules, example A: prod rule first protects B from the beta rule; only A goes', () => {
    for (const list of ['tagPrefixList', 'tagPatternList'] as const) {
      const [prod, beta] = list === 'tagPrefixList' ? [['prod'], ['beta']] : [['prod*'], ['beta*']]
      const p = policy([
        rule(1, { tagStatus: 'tagged', [list]: prod, countType: 'imageCountMoreThan', countNumber: 1 }),
        rule(2, { tagStatus: 'tagged', [list]: beta, countType: 'imageCountMoreThan', countNumber: 1 }),
      ])
      const preview = evaluateLifecycle(p, abc, NOW)
      assert.deepEqual(takenBy(preview), { a: 1 }, list)
      assert.deepEqual(preview.kept, ['sha256:c', 'sha256:b'])
    }
  })

  it('multiple rules, example B: beta rule first takes A and B; the prod rule sees nothing new', () => {
    const p = policy([
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['beta'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(2, { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 1 }),
    ])
    assert.deepEqual(takenBy(evaluateLifecycle(p, abc, NOW)), { a: 1, b: 1 })
  })

  it('multiple tags in one rule, example A: images must match all prefixes; C goes', () => {
    const p = policy([rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'sinceImagePushed', countNumber: 5, countUnit: 'days' })])
    const images = [
      image('a', ['alpha-1'], 12), image('b', ['beta-1'], 11), image('c', ['alpha-2', 'beta-2'], 10),
      image('d', ['alpha-3'], 4), image('e', ['beta-3'], 3), image('f', ['alpha-4', 'beta-4'], 2),
    ]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { c: 1 })
  })

  it('multiple tags in one rule, example B: tags are not exclusive; A and B go', () => {
    const p = policy([rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'imageCountMoreThan', countNumber: 1 })])
    const images = [image('a', ['alpha-1', 'beta-1', 'gamma-1'], 10), image('b', ['alpha-2', 'beta-2'], 9), image('c', ['alpha-3', 'beta-3', 'gamma-2'], 8)]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { a: 1, b: 1 })
  })

  it('all images, example A: any rule keeps the newest; A, B and C go', () => {
    const p = policy([rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })])
    const images = [image('a', ['alpha-1'], 4), image('b', ['beta-1'], 3), image('c', [], 2), image('d', ['alpha-2'], 1)]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { a: 1, b: 1, c: 1 })
  })

  it('all images, example B: every rule type together; A, B and D go', () => {
    const p = policy([
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
      rule(3, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
    ])
    // ECR lists D and E as "1 day ago", E after D: E is the newer one (rule 3 keeps it).
    const images = [
      image('a', ['alpha-1', 'beta-1'], 4), image('b', [], 3), image('c', ['alpha-2'], 2),
      image('d', ['git-hash'], 1), image('e', [], 1 - 60_000 / DAY_MS),
    ]
    const preview = evaluateLifecycle(p, images, NOW)
    assert.deepEqual(takenBy(preview), { a: 1, b: 2, d: 3 })
    assert.deepEqual(preview.kept, ['sha256:e', 'sha256:c'])
  })

  it('the seed policy keeps the last 10 images, whatever their tags', () => {
    const seed = '{"rules":[{"rulePriority":1,"description":"Keep last 10 images","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}'
    const images = Array.from({ length: 13 }, (_, i) => image(`i${String(i).padStart(2, '0')}`, i % 3 === 0 ? [] : [`v${i}`], 13 - i))
    const preview = evaluateLifecycle(parseLifecyclePolicy(seed), images, NOW)
    assert.deepEqual(takenBy(preview), { i00: 1, i01: 1, i02: 1 })
    assert.equal(preview.expired[0]?.description, 'Keep last 10 images')
    assert.equal(preview.kept.length, 10)
  })
})

describe('ECR semantics beyond the examples', () => {
  it('imageCountMoreThan counts images, not tags', () => {
    const p = policy([rule(1, { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'imageCountMoreThan', countNumber: 2 })])
    // Three images, seven tags: only the oldest image goes.
    const images = [image('a', ['v1', 'v1.0', 'v1.0.0'], 3), image('b', ['v2', 'v2.0'], 2), image('c', ['v3', 'v3.0'], 1)]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { a: 1 })
  })

  it('an image whose tags match two rules is taken by the higher-priority one only', () => {
    const p = policy([
      rule(1, { tagStatus: 'tagged', tagPatternList: ['release-*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }),
      rule(2, { tagStatus: 'tagged', tagPatternList: ['nightly-*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }),
    ])
    // a: both tags, 10 days old: rule 2 would take it, but rule 1 matched it (and keeps it: < 30 days).
    // b: both tags, 40 days old: taken by rule 1 (not rule 2).  c: nightly only, 10 days: rule 2.
    const images = [image('a', ['release-1', 'nightly-5'], 10), image('b', ['release-0', 'nightly-1'], 40), image('c', ['nightly-6'], 10)]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { b: 1, c: 2 })
  })

  it('images kept by a higher rule still count in a lower count rule', () => {
    const p = policy([
      rule(1, { tagStatus: 'tagged', tagPatternList: ['keep-*'], countType: 'imageCountMoreThan', countNumber: 100 }),
      rule(2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }),
    ])
    // Newest first: k1, k2 (protected, but they fill rule 2's two places), then x: x goes.
    const images = [image('x', ['other'], 3), image('k2', ['keep-2'], 2), image('k1', ['keep-1'], 1)]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { x: 2 })
  })

  it('rules apply by rulePriority, not by document order', () => {
    const p = policy([
      rule(20, { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(10, { tagStatus: 'tagged', tagPrefixList: ['beta'], countType: 'imageCountMoreThan', countNumber: 1 }),
    ])
    const images = [image('a', ['beta-1', 'prod-1'], 10), image('b', ['beta-2', 'prod-2'], 9), image('c', ['beta-3'], 8)]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { a: 10, b: 10 })
  })

  it('sinceImagePushed: exactly N days old stays, a millisecond more goes (fake clock)', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z')
    const images = [{ digest: 'sha256:a', tags: [], pushedAt: clock.now() }]
    const p = policy([rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 })])
    clock.advance(3 * DAY_MS - 1)
    assert.equal(evaluateLifecycle(p, images, clock.now()).expired.length, 0)
    clock.advance(1)
    assert.equal(evaluateLifecycle(p, images, clock.now()).expired.length, 0, 'exactly 3 days: not older than 3 days')
    clock.advance(1)
    assert.deepEqual(evaluateLifecycle(p, images, clock.now()).expired.map((e) => e.digest), ['sha256:a'])
  })

  it('a tagged rule never takes untagged images, an untagged rule never takes tagged ones', () => {
    const tagged = policy([rule(1, { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: 1 })])
    const untagged = policy([rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })])
    const images = [image('a', [], 5), image('b', [], 4), image('c', ['x'], 3), image('d', ['y'], 2)]
    assert.deepEqual(takenBy(evaluateLifecycle(tagged, images, NOW)), { c: 1 })
    assert.deepEqual(takenBy(evaluateLifecycle(untagged, images, NOW)), { a: 1 })
  })

  it('is deterministic: input order does not change the preview', () => {
    const p = policy([rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 })])
    const same = new Date(NOW.getTime() - DAY_MS)
    const images = ['q', 'c', 'x', 'a'].map((n) => ({ digest: `sha256:${n}`, tags: [], pushedAt: same }))
    const forward = evaluateLifecycle(p, images, NOW)
    assert.deepEqual(evaluateLifecycle(p, [...images].reverse(), NOW), forward)
    assert.deepEqual(forward.kept, ['sha256:a', 'sha256:c'], 'equal push times: ordered by digest')
  })

  it('refuses inputs that cannot be evaluated (a wiring bug, not a user mistake)', () => {
    const p = policy([rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 })])
    assert.throws(() => evaluateLifecycle(p, [image('a', [], 1), image('a', [], 2)], NOW), /given twice/)
    assert.throws(() => evaluateLifecycle(p, [{ digest: 'sha256:a', tags: [], pushedAt: new Date('nope') }], NOW), /invalid pushedAt/)
    assert.throws(() => evaluateLifecycle(p, [], new Date('nope')), /invalid date/)
  })
})

describe('sinceImagePulled (Drydock extension for expire)', () => {
  const p = policy([rule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 })])

  it('expires images not pulled for more than N days, keeps recently pulled old images', () => {
    const images = [
      image('old-unused', ['v1'], 100, { lastPulledAt: pushed(45) }),
      image('old-used', ['v2'], 100, { lastPulledAt: pushed(2) }),
      image('new', ['v3'], 5),
    ]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { 'old-unused': 1 })
  })

  it('an image never pulled is measured from its push', () => {
    const images = [image('never-old', [], 31), image('never-new', [], 29)]
    assert.deepEqual(takenBy(evaluateLifecycle(p, images, NOW)), { 'never-old': 1 })
  })

  it('a pull time before the push (clock skew, import) does not age the image', () => {
    assert.deepEqual(takenBy(evaluateLifecycle(p, [image('a', [], 10, { lastPulledAt: pushed(90) })], NOW)), {})
  })
})

describe('referrers and index-listed manifests', () => {
  const keepOne = policy([rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })])
  const untaggedOld = policy([rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 })])

  it('an expired image takes its referrers (and theirs) with it; a kept image keeps its own', () => {
    const images = [
      image('old', ['v1'], 10),
      image('old-sig', [], 10, { subject: 'sha256:old' }),
      image('old-sbom', [], 9, { subject: 'sha256:old' }),
      image('old-sbom-sig', ['sha256-old-sbom.sig'], 9, { subject: 'sha256:old-sbom' }),
      image('new', ['v2'], 1),
      image('new-sig', [], 1, { subject: 'sha256:new' }),
    ]
    const preview = evaluateLifecycle(keepOne, images, NOW)
    assert.deepEqual(takenBy(preview), { old: 1 }, 'referrers are not counted as images: only "old" is beyond the count')
    assert.deepEqual(preview.expired[0]?.carried, [
      { digest: 'sha256:old-sbom', reason: 'referrer' },
      { digest: 'sha256:old-sbom-sig', reason: 'referrer' },
      { digest: 'sha256:old-sig', reason: 'referrer' },
    ])
    assert.deepEqual(preview.kept, ['sha256:new', 'sha256:new-sig'])
  })

  it('an untagged rule does not take signatures or platform manifests of kept images', () => {
    const images = [
      image('index', ['v1'], 10, { manifests: ['sha256:amd64', 'sha256:arm64'] }),
      image('amd64', [], 10), image('arm64', [], 10),
      image('sig', [], 10, { subject: 'sha256:index' }),
      image('dangling', [], 10),
    ]
    const preview = evaluateLifecycle(untaggedOld, images, NOW)
    assert.deepEqual(takenBy(preview), { dangling: 1 })
    assert.deepEqual(preview.expired[0]?.carried, [])
  })

  it('an expired index takes the manifests only it lists, not those another kept index shares, nor tagged ones', () => {
    const images = [
      image('old-index', ['v1'], 10, { manifests: ['sha256:amd64-1', 'sha256:shared', 'sha256:tagged-arm'] }),
      image('new-index', ['v2'], 1, { manifests: ['sha256:amd64-2', 'sha256:shared'] }),
      image('amd64-1', [], 10), image('shared', [], 10), image('tagged-arm', ['arm-only'], 10), image('amd64-2', [], 1),
    ]
    const preview = evaluateLifecycle(keepOne, images, NOW)
    assert.deepEqual(takenBy(preview), { 'old-index': 1 })
    assert.deepEqual(preview.expired[0]?.carried, [{ digest: 'sha256:amd64-1', reason: 'index-child' }])
    assert.deepEqual(new Set(preview.kept), new Set(['sha256:new-index', 'sha256:amd64-2', 'sha256:shared', 'sha256:tagged-arm']))
  })

  it('a referrer whose subject is absent is an ordinary image (so orphans can be cleaned up)', () => {
    const images = [image('orphan-sig', [], 5, { subject: 'sha256:gone' })]
    assert.deepEqual(takenBy(evaluateLifecycle(untaggedOld, images, NOW)), { 'orphan-sig': 1 })
  })

  it('a shared manifest goes only when the last index listing it goes, carried by that one', () => {
    const images = [
      image('i1', ['a'], 10, { manifests: ['sha256:m'] }),
      image('i2', ['b'], 9, { manifests: ['sha256:m'] }),
      image('i3', ['c'], 1),
      image('m', [], 10),
    ]
    const preview = evaluateLifecycle(keepOne, images, NOW)
    assert.deepEqual(preview.expired.map((e) => [e.digest, e.carried.map((c) => c.digest)]), [['sha256:i1', []], ['sha256:i2', ['sha256:m']]])
  })
})
