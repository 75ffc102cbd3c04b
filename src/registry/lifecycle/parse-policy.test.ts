// Lifecycle policy validation with ECR's rules: every refusal names the rule (index and, when
// valid, rulePriority) and the field; ECR's documented examples and the seed policy parse.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LifecyclePolicyError } from './policy-error.ts'
import { parseLifecyclePolicy, validateLifecyclePolicy } from './parse-policy.ts'
import { MAX_POLICY_TEXT_CHARS } from './policy.ts'

const SEED = '{"rules":[{"rulePriority":1,"description":"Keep last 10 images","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}'

const untagged14 = { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }
const prodCount = { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 1 }

function rule(rulePriority: unknown, selection: object, extra: object = {}): Record<string, unknown> {
  return { rulePriority, selection, action: { type: 'expire' }, ...extra }
}

function refusal(rules: unknown): LifecyclePolicyError {
  try {
    validateLifecyclePolicy({ rules })
  } catch (err) {
    assert.ok(err instanceof LifecyclePolicyError, `expected a LifecyclePolicyError, got ${String(err)}`)
    return err
  }
  assert.fail(`accepted: ${JSON.stringify(rules)}`)
}

describe('accepted policies', () => {
  it('parses the seed policy', () => {
    assert.deepEqual(parseLifecyclePolicy(SEED), {
      rules: [{ rulePriority: 1, description: 'Keep last 10 images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 }, action: { type: 'expire' } }],
    })
  })

  it('parses ECR example policies (prefixes, patterns, untagged, multiple rules, all rule types)', () => {
    const policies = [
      [rule(1, untagged14, { description: 'Expire images older than 14 days' })],
      [rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 })],
      [rule(1, prodCount), rule(2, { ...prodCount, tagPrefixList: ['beta'] })],
      [rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'sinceImagePushed', countNumber: 5, countUnit: 'days' })],
      [rule(1, { ...prodCount, tagPrefixList: ['alpha'] }), rule(2, { ...untagged14, countNumber: 1 }), rule(3, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })],
      [rule(1, { tagStatus: 'tagged', tagPatternList: ['*test*1*2*3', 'test*1*2*3*'], countType: 'imageCountMoreThan', countNumber: 100 })],
    ]
    for (const rules of policies) {
      const parsed = parseLifecyclePolicy(JSON.stringify({ rules }, null, 2))
      assert.deepEqual(parsed, { rules }, JSON.stringify(rules))
    }
  })

  it('accepts priorities that are not sequential, in any document order', () => {
    const p = validateLifecyclePolicy({ rules: [rule(50, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 }), rule(7, untagged14)] })
    assert.deepEqual(p.rules.map((r) => r.rulePriority), [50, 7])
  })

  it('accepts sinceImagePulled (with days) and storageClass "standard"', () => {
    const p = validateLifecyclePolicy({ rules: [rule(1, { tagStatus: 'any', storageClass: 'standard', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 })] })
    assert.equal(p.rules[0]?.selection.countType, 'sinceImagePulled')
  })
})

describe('policy text limits (ECR: 100 to 30720 characters)', () => {
  const padded = (n: number): string => SEED.slice(0, -1) + ' '.repeat(n - SEED.length) + '}'

  it('refuses 99 characters; 100 passes the length check (and is then read as a policy)', () => {
    assert.throws(() => parseLifecyclePolicy('{"rules":[]}'.padEnd(99, ' ')), /lifecyclePolicyText: must be 100 to 30720 characters \(got 99\)/)
    assert.throws(() => parseLifecyclePolicy('{"rules":[]}'.padEnd(100, ' ')), /rules: must be a non-empty list/)
  })

  it('accepts 30720 characters, refuses 30721 and anything far larger without counting it', () => {
    assert.doesNotThrow(() => parseLifecyclePolicy(padded(MAX_POLICY_TEXT_CHARS)))
    assert.throws(() => parseLifecyclePolicy(padded(MAX_POLICY_TEXT_CHARS + 1)), /got 30721/)
    assert.throws(() => parseLifecyclePolicy(padded(10 * MAX_POLICY_TEXT_CHARS)), /got more than 30720/)
  })

  it('counts characters, not UTF-16 units', () => {
    const emoji = '\u{1F40B}'
    const withDescription = (n: number): string => JSON.stringify({ rules: [rule(1, untagged14, { description: emoji.repeat(n) })] })
    const base = withDescription(0).length
    // 30720 characters but 30720 + n units: accepted.
    const n = 1000
    const text = withDescription(n).slice(0, -1) + ' '.repeat(MAX_POLICY_TEXT_CHARS - base - n) + '}'
    assert.equal([...text].length, MAX_POLICY_TEXT_CHARS)
    assert.ok(text.length > MAX_POLICY_TEXT_CHARS)
    assert.doesNotThrow(() => parseLifecyclePolicy(text))
  })

  it('refuses text that is not JSON, and duplicate keys', () => {
    assert.throws(() => parseLifecyclePolicy('{"rules": ['.padEnd(120, ' ')), /lifecyclePolicyText: not valid JSON/)
    const dup = '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1,"countNumber":900},"action":{"type":"expire"}}]}'
    assert.throws(() => parseLifecyclePolicy(dup), /lifecyclePolicyText: not valid JSON: .*countNumber/)
  })
})

describe('refusals name the rule and the field', () => {
  const cases: ReadonlyArray<{ name: string; rules: unknown; index?: number; priority?: number; field: string; reason: RegExp }> = [
    { name: 'tagged without a list', rules: [rule(1, { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 })], index: 0, priority: 1, field: 'selection.tagPatternList', reason: /needs tagPatternList or tagPrefixList/ },
    { name: 'tagged with both lists', rules: [rule(1, { ...prodCount, tagPatternList: ['p*'] })], index: 0, priority: 1, field: 'selection.tagPatternList', reason: /not both/ },
    { name: 'untagged with a prefix list', rules: [rule(1, { ...untagged14, tagPrefixList: ['x'] })], index: 0, priority: 1, field: 'selection.tagPrefixList', reason: /only allowed when tagStatus is tagged \(this rule is untagged\)/ },
    { name: 'any with a pattern list', rules: [rule(3, { tagStatus: 'any', tagPatternList: ['x*'], countType: 'imageCountMoreThan', countNumber: 1 })], index: 0, priority: 3, field: 'selection.tagPatternList', reason: /this rule is any/ },
    { name: 'five wildcards', rules: [rule(1, { tagStatus: 'tagged', tagPatternList: ['ok*', 'test*1*2*3*4*5'], countType: 'imageCountMoreThan', countNumber: 1 })], index: 0, priority: 1, field: 'selection.tagPatternList[1]', reason: /more than 4 wildcards/ },
    { name: 'a prefix no tag can have', rules: [rule(1, { ...prodCount, tagPrefixList: ['prod/'] })], index: 0, priority: 1, field: 'selection.tagPrefixList[0]', reason: /characters no tag can contain/ },
    { name: 'a wildcard in a prefix', rules: [rule(1, { ...prodCount, tagPrefixList: ['prod*'] })], index: 0, priority: 1, field: 'selection.tagPrefixList[0]', reason: /characters no tag can contain/ },
    { name: 'an empty list entry', rules: [rule(1, { ...prodCount, tagPrefixList: [''] })], index: 0, priority: 1, field: 'selection.tagPrefixList[0]', reason: /non-empty string/ },
    { name: 'an empty list', rules: [rule(1, { ...prodCount, tagPrefixList: [] })], index: 0, priority: 1, field: 'selection.tagPrefixList', reason: /non-empty list/ },
    { name: 'countUnit with imageCountMoreThan', rules: [rule(1, { ...prodCount, countUnit: 'days' })], index: 0, priority: 1, field: 'selection.countUnit', reason: /only allowed when countType is sinceImagePushed or sinceImagePulled/ },
    { name: 'sinceImagePushed without countUnit', rules: [rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 3 })], index: 0, priority: 1, field: 'selection.countUnit', reason: /required when countType is sinceImagePushed/ },
    { name: 'countUnit hours', rules: [rule(1, { ...untagged14, countUnit: 'hours' })], index: 0, priority: 1, field: 'selection.countUnit', reason: /must be "days" \(got "hours"\)/ },
    { name: 'countNumber 0', rules: [rule(1, { ...untagged14, countNumber: 0 })], index: 0, priority: 1, field: 'selection.countNumber', reason: /integer from 1 to 2147483647 \(got 0\)/ },
    { name: 'countNumber 1.5', rules: [rule(1, { ...untagged14, countNumber: 1.5 })], index: 0, priority: 1, field: 'selection.countNumber', reason: /got 1.5/ },
    { name: 'countNumber as a string', rules: [rule(1, { ...untagged14, countNumber: '14' })], index: 0, priority: 1, field: 'selection.countNumber', reason: /got "14"/ },
    { name: 'countNumber beyond int32', rules: [rule(1, { ...untagged14, countNumber: 2 ** 31 })], index: 0, priority: 1, field: 'selection.countNumber', reason: /got 2147483648/ },
    { name: 'no rulePriority', rules: [{ selection: untagged14, action: { type: 'expire' } }], index: 0, field: 'rulePriority', reason: /required/ },
    { name: 'rulePriority 0', rules: [rule(0, untagged14)], index: 0, field: 'rulePriority', reason: /got 0/ },
    { name: 'duplicate priorities', rules: [rule(1, untagged14), rule(2, prodCount), rule(2, { ...prodCount, tagPrefixList: ['beta'] })], index: 2, priority: 2, field: 'rulePriority', reason: /already the priority of rules\[1\]/ },
    { name: 'any rule not last', rules: [rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }), rule(2, untagged14)], index: 0, priority: 1, field: 'rulePriority', reason: /tagStatus "any" must have the highest rulePriority .*rules\[1\] has 2/ },
    { name: 'two any rules', rules: [rule(5, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }), rule(9, { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 })], index: 0, priority: 5, field: 'rulePriority', reason: /highest rulePriority/ },
    { name: 'two untagged rules', rules: [rule(1, untagged14), rule(2, { ...untagged14, countType: 'imageCountMoreThan', countUnit: undefined })], index: 1, priority: 2, field: 'selection.tagStatus', reason: /only one rule may select untagged images \(rules\[0\]/ },
    { name: 'the same tag set twice', rules: [rule(1, { ...prodCount, tagPrefixList: ['a', 'b'] }), rule(2, { ...prodCount, tagPrefixList: ['b', 'a'] })], index: 1, priority: 2, field: 'selection.tagPrefixList', reason: /same tag list as rules\[0\]/ },
    { name: 'a typo in selection', rules: [rule(1, { ...untagged14, countnumber: 3 })], index: 0, priority: 1, field: 'selection.countnumber', reason: /unknown field/ },
    { name: 'an unknown rule field', rules: [rule(1, untagged14, { enabled: true })], index: 0, priority: 1, field: 'enabled', reason: /unknown field/ },
    { name: 'an unknown action field', rules: [{ ...rule(1, untagged14), action: { type: 'expire', dryRun: true } }], index: 0, priority: 1, field: 'action.dryRun', reason: /unknown field/ },
    { name: 'action delete', rules: [{ ...rule(1, untagged14), action: { type: 'delete' } }], index: 0, priority: 1, field: 'action.type', reason: /must be "expire" \(got "delete"\)/ },
    { name: 'action transition', rules: [{ ...rule(1, untagged14), action: { type: 'transition', targetStorageClass: 'archive' } }], index: 0, priority: 1, field: 'action.type', reason: /"transition" is not supported: Drydock has no archive storage class/ },
    { name: 'targetStorageClass with expire', rules: [{ ...rule(1, untagged14), action: { type: 'expire', targetStorageClass: 'archive' } }], index: 0, priority: 1, field: 'action.targetStorageClass', reason: /not supported/ },
    { name: 'sinceImageTransitioned', rules: [rule(1, { ...untagged14, countType: 'sinceImageTransitioned' })], index: 0, priority: 1, field: 'selection.countType', reason: /no archive storage class/ },
    { name: 'an unknown countType', rules: [rule(1, { ...untagged14, countType: 'sinceImageBuilt' })], index: 0, priority: 1, field: 'selection.countType', reason: /must be one of imageCountMoreThan, sinceImagePushed, sinceImagePulled/ },
    { name: 'storageClass archive', rules: [rule(1, { ...untagged14, storageClass: 'archive' })], index: 0, priority: 1, field: 'selection.storageClass', reason: /not supported/ },
    { name: 'an unknown tagStatus', rules: [rule(1, { ...untagged14, tagStatus: 'TAGGED' })], index: 0, priority: 1, field: 'selection.tagStatus', reason: /must be one of tagged, untagged, any \(got "TAGGED"\)/ },
    { name: 'a description that is not a string', rules: [rule(1, untagged14, { description: 7 })], index: 0, priority: 1, field: 'description', reason: /must be a string/ },
    { name: 'no selection', rules: [{ rulePriority: 4, action: { type: 'expire' } }], index: 0, priority: 4, field: 'selection', reason: /required/ },
    { name: 'no action', rules: [{ rulePriority: 4, selection: untagged14 }], index: 0, priority: 4, field: 'action', reason: /required/ },
    { name: 'a rule that is not an object', rules: [rule(1, untagged14), 'rule two'], index: 1, field: '', reason: /must be an object/ },
    { name: 'no rules', rules: [], field: 'rules', reason: /non-empty list/ },
    { name: 'rules not a list', rules: { rulePriority: 1 }, field: 'rules', reason: /non-empty list/ },
  ]

  for (const c of cases) {
    it(c.name, () => {
      const err = refusal(c.rules)
      assert.equal(err.ruleIndex, c.index, 'rule index')
      assert.equal(err.rulePriority, c.priority, 'rule priority')
      assert.equal(err.field, c.field, 'field')
      assert.match(err.reason, c.reason)
      const where = c.index === undefined ? '' : `rules[${c.index}]${c.priority === undefined ? '' : ` (rulePriority ${c.priority})`}`
      assert.ok(err.message.startsWith(`invalid lifecycle policy: ${[where, c.field].filter((s) => s !== '').join(': ')}: `), err.message)
    })
  }

  it('refuses unknown top-level fields and non-objects', () => {
    assert.throws(() => validateLifecyclePolicy({ rules: [rule(1, untagged14)], version: 2 }), (err: unknown) => err instanceof LifecyclePolicyError && err.field === 'version')
    assert.throws(() => validateLifecyclePolicy([]), /must be a JSON object/)
    assert.throws(() => parseLifecyclePolicy(JSON.stringify({ rules: [rule(1, untagged14)], __proto__x: 1 }).padEnd(100)), /__proto__x: unknown field/)
  })

  it('accepts exactly four wildcards', () => {
    assert.doesNotThrow(() => validateLifecyclePolicy({ rules: [rule(1, { tagStatus: 'tagged', tagPatternList: ['*a*b*c*'], countType: 'imageCountMoreThan', countNumber: 1 })] }))
  })
})
