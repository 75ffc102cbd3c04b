// ECR's documented lifecycle policy examples ("Examples of lifecycle policies") and the seed
// policy of issue #14, as data: the rules, the images (tags, age in days when the policy runs)
// and which images ECR says expire, with the rule that takes each. The engine's unit tests
// (src/registry/lifecycle/evaluate.test.ts) check the same outcomes on the pure evaluator; the
// lifecycle run tests push these images for real and expire them through the API and the CLI.

export interface ExampleImage {
  readonly name: string
  readonly tags: readonly string[]
  readonly daysAgo: number
}

export interface EcrExample {
  readonly name: string
  readonly rules: readonly object[]
  readonly images: readonly ExampleImage[]
  /** image name → rulePriority of the rule that expires it; every other image is kept. */
  readonly expires: Readonly<Record<string, number>>
}

const rule = (rulePriority: number, selection: object, description?: string): object => ({
  rulePriority, ...(description === undefined ? {} : { description }), selection, action: { type: 'expire' },
})
const img = (name: string, tags: readonly string[], daysAgo: number): ExampleImage => ({ name, tags, daysAgo })

/** The seed policy, verbatim from the issue. */
export const SEED_POLICY = '{ "rules": [ { "rulePriority": 1, "description": "Keep last 10 images", "selection": { "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10 }, "action": { "type": "expire" } } ] }'

const abc = [img('a', ['beta-1', 'prod-1'], 10), img('b', ['beta-2', 'prod-2'], 9), img('c', ['beta-3'], 8)]

export const ECR_EXAMPLES: readonly EcrExample[] = [
  {
    name: 'image age: untagged older than 14 days',
    rules: [rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, 'Expire images older than 14 days')],
    images: [img('a', [], 20), img('b', [], 15), img('c', [], 3), img('d', ['v1'], 30)],
    expires: { a: 1, b: 1 },
  },
  {
    name: 'image age: tagPatternList prod* older than 14 days',
    rules: [rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 })],
    images: [img('a', ['prod'], 20), img('b', ['prod2', 'x'], 15), img('c', ['prod1'], 2), img('d', ['preprod'], 40), img('e', [], 40)],
    expires: { a: 1, b: 1 },
  },
  {
    name: 'image count: keep one untagged image',
    rules: [rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })],
    images: [img('a', [], 3), img('b', [], 2), img('c', [], 1), img('d', ['latest'], 9)],
    expires: { a: 1, b: 1 },
  },
  {
    name: 'multiple rules A: prod first protects B from the beta rule',
    rules: [
      rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(2, { tagStatus: 'tagged', tagPatternList: ['beta*'], countType: 'imageCountMoreThan', countNumber: 1 }),
    ],
    images: abc,
    expires: { a: 1 },
  },
  {
    name: 'multiple rules B: beta first takes A and B',
    rules: [
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['beta'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(2, { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 1 }),
    ],
    images: abc,
    expires: { a: 1, b: 1 },
  },
  {
    name: 'multiple tags A: every prefix must match; C goes',
    rules: [rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'sinceImagePushed', countNumber: 5, countUnit: 'days' })],
    images: [img('a', ['alpha-1'], 12), img('b', ['beta-1'], 11), img('c', ['alpha-2', 'beta-2'], 10), img('d', ['alpha-3'], 4), img('e', ['beta-3'], 3), img('f', ['alpha-4', 'beta-4'], 2)],
    expires: { c: 1 },
  },
  {
    name: 'multiple tags B: tags are not exclusive; A and B go',
    rules: [rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'imageCountMoreThan', countNumber: 1 })],
    images: [img('a', ['alpha-1', 'beta-1', 'gamma-1'], 10), img('b', ['alpha-2', 'beta-2'], 9), img('c', ['alpha-3', 'beta-3', 'gamma-2'], 8)],
    expires: { a: 1, b: 1 },
  },
  {
    name: 'all images A: the any rule keeps the newest',
    rules: [rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })],
    images: [img('a', ['alpha-1'], 4), img('b', ['beta-1'], 3), img('c', [], 2), img('d', ['alpha-2'], 1)],
    expires: { a: 1, b: 1, c: 1 },
  },
  {
    name: 'all images B: every rule type together',
    rules: [
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
      rule(3, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
    ],
    // ECR lists D and E as "1 day ago", E after D: E is the newer one (one minute newer here).
    images: [img('a', ['alpha-1', 'beta-1'], 4), img('b', [], 3), img('c', ['alpha-2'], 2), img('d', ['git-hash'], 1), img('e', [], 1 - 1 / 1440)],
    expires: { a: 1, b: 2, d: 3 },
  },
  {
    name: 'the seed policy: 12 pushes, keep the last 10',
    rules: JSON.parse(SEED_POLICY).rules,
    images: Array.from({ length: 12 }, (_, i) => img(`i${String(i).padStart(2, '0')}`, [`v${i}`], 12 - i)),
    expires: { i00: 1, i01: 1 },
  },
]
