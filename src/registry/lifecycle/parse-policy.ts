/**
 * Lifecycle policy text → LifecyclePolicy, or a LifecyclePolicyError naming the rule and field.
 * The text is bounded first (ECR's 100..30720 characters), then parsed with the strict JSON
 * reader (duplicate keys are refused: `{"countNumber":1,"countNumber":900}` must not mean one
 * thing to a reviewer and another to the evaluator), then checked rule by rule (parse-rule.ts)
 * and across rules: unique priorities, the `any` rule last, one `untagged` rule, no two tagged
 * rules with the same tag list.
 */
import { parseStrictJson, StrictJsonError } from '../../oci/strict-json.ts'
import { LifecyclePolicyError } from './policy-error.ts'
import { MAX_POLICY_TEXT_CHARS, MIN_POLICY_TEXT_CHARS, type LifecyclePolicy, type LifecycleRule } from './policy.ts'
import { isObject, parseRule } from './parse-rule.ts'

/** Policy nesting is 5 levels (policy, rules, rule, selection, tag list); anything deeper is not a policy. */
const MAX_POLICY_DEPTH = 8

function characters(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

export function parseLifecyclePolicy(text: string): LifecyclePolicy {
  // A character is one or two UTF-16 units: count code points only where the units leave it open.
  const units = text.length
  const chars = units > 2 * MAX_POLICY_TEXT_CHARS ? undefined : units <= MAX_POLICY_TEXT_CHARS && units >= MIN_POLICY_TEXT_CHARS ? units : characters(text)
  if (chars === undefined || chars < MIN_POLICY_TEXT_CHARS || chars > MAX_POLICY_TEXT_CHARS) {
    const got = chars === undefined ? `more than ${MAX_POLICY_TEXT_CHARS}` : String(chars)
    throw new LifecyclePolicyError('lifecyclePolicyText', `must be ${MIN_POLICY_TEXT_CHARS} to ${MAX_POLICY_TEXT_CHARS} characters (got ${got})`)
  }
  let doc: unknown
  try {
    doc = parseStrictJson(text, { maxDepth: MAX_POLICY_DEPTH })
  } catch (err) {
    if (err instanceof StrictJsonError) throw new LifecyclePolicyError('lifecyclePolicyText', `not valid JSON: ${err.message}`)
    throw err
  }
  return validateLifecyclePolicy(doc)
}

/** Validates an already decoded policy document (a config file section, a test fixture). */
export function validateLifecyclePolicy(doc: unknown): LifecyclePolicy {
  if (!isObject(doc)) throw new LifecyclePolicyError('(policy)', 'must be a JSON object with a "rules" list')
  for (const key of Object.keys(doc)) {
    if (key !== 'rules') throw new LifecyclePolicyError(key, 'unknown field (allowed: rules)')
  }
  const rules = doc['rules']
  if (!Array.isArray(rules) || rules.length === 0) throw new LifecyclePolicyError('rules', 'must be a non-empty list of rules')
  const parsed = rules.map((rule, index) => parseRule(rule, index))
  checkAcrossRules(parsed)
  return { rules: parsed }
}

function refuse(rules: readonly LifecycleRule[], index: number, field: string, reason: string): never {
  throw new LifecyclePolicyError(field, reason, { index, priority: rules[index]?.rulePriority })
}

/** A tag list as a set, for "same list" comparisons regardless of order and repeats. */
function tagListKey(rule: LifecycleRule): string | undefined {
  const { tagPrefixList, tagPatternList } = rule.selection
  if (tagPrefixList !== undefined) return `prefix:${JSON.stringify([...new Set(tagPrefixList)].sort())}`
  if (tagPatternList !== undefined) return `pattern:${JSON.stringify([...new Set(tagPatternList)].sort())}`
  return undefined
}

function checkAcrossRules(rules: readonly LifecycleRule[]): void {
  const byPriority = new Map<number, number>()
  const byTagList = new Map<string, number>()
  let untagged: number | undefined
  let highest = 0
  rules.forEach((rule, index) => {
    const earlier = byPriority.get(rule.rulePriority)
    if (earlier !== undefined) refuse(rules, index, 'rulePriority', `${rule.rulePriority} is already the priority of rules[${earlier}]; priorities must be unique`)
    byPriority.set(rule.rulePriority, index)
    highest = Math.max(highest, rule.rulePriority)
    if (rule.selection.tagStatus === 'untagged') {
      if (untagged !== undefined) refuse(rules, index, 'selection.tagStatus', `only one rule may select untagged images (rules[${untagged}] already does)`)
      untagged = index
    }
    const key = tagListKey(rule)
    if (key !== undefined) {
      const same = byTagList.get(key)
      const field = rule.selection.tagPrefixList === undefined ? 'selection.tagPatternList' : 'selection.tagPrefixList'
      if (same !== undefined) refuse(rules, index, field, `the same tag list as rules[${same}]; each rule needs its own set of tags`)
      byTagList.set(key, index)
    }
  })
  rules.forEach((rule, index) => {
    if (rule.selection.tagStatus === 'any' && rule.rulePriority !== highest) {
      const last = byPriority.get(highest) as number
      refuse(rules, index, 'rulePriority', `a rule with tagStatus "any" must have the highest rulePriority of the policy (rules[${last}] has ${highest})`)
    }
  })
}
