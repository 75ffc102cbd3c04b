/**
 * Validation of one rule of a lifecycle policy, with ECR's rules (docs/lifecycle.md "Validation"):
 * unknown keys are refused, a `tagged` rule needs exactly one of tagPrefixList/tagPatternList,
 * `untagged` and `any` take neither, countUnit goes with an age count type and only with it,
 * numbers are positive integers. The newer ECR archive features (transition action, the
 * `archive` storage class, sinceImageTransitioned) have no Drydock equivalent and are refused
 * by name rather than ignored. Cross-rule checks live in parse-policy.ts.
 */
import { LifecyclePolicyError } from './policy-error.ts'
import { MAX_INT32, MAX_PATTERN_WILDCARDS, type CountType, type LifecycleRule, type LifecycleSelection, type TagStatus } from './policy.ts'
import { PATTERN_CHARS, TAG_CHARS, wildcardCount } from './tag-pattern.ts'

const RULE_KEYS = new Set(['rulePriority', 'description', 'selection', 'action'])
const SELECTION_KEYS = new Set(['tagStatus', 'tagPrefixList', 'tagPatternList', 'storageClass', 'countType', 'countUnit', 'countNumber'])
const ACTION_KEYS = new Set(['type', 'targetStorageClass'])
const TAG_STATUSES: readonly TagStatus[] = ['tagged', 'untagged', 'any']
const COUNT_TYPES: readonly CountType[] = ['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled']
const NO_ARCHIVE = 'Drydock has no archive storage class'
/** A tag is at most 128 characters (OCI); a longer list entry could never match one. */
const MAX_TAG_CHARS = 128

type Fail = (field: string, reason: string) => never

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function quoted(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

function checkKeys(o: Record<string, unknown>, allowed: ReadonlySet<string>, where: string, fail: Fail): void {
  for (const key of Object.keys(o)) {
    if (!allowed.has(key)) fail(where === '' ? key : `${where}.${key}`, `unknown field (allowed: ${[...allowed].join(', ')})`)
  }
}

export function isPositiveInt32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_INT32
}

function tagList(v: unknown, field: string, fail: Fail): string[] {
  if (!Array.isArray(v) || v.length === 0) fail(field, 'must be a non-empty list of strings')
  const isPattern = field.endsWith('tagPatternList')
  return (v as unknown[]).map((entry, i) => {
    const at = `${field}[${i}]`
    if (typeof entry !== 'string' || entry === '') fail(at, 'must be a non-empty string')
    if (entry.length > MAX_TAG_CHARS) fail(at, `longer than ${MAX_TAG_CHARS} characters, so it can match no tag`)
    if (!(isPattern ? PATTERN_CHARS : TAG_CHARS).test(entry)) {
      fail(at, `${quoted(entry)} has characters no tag can contain (tags use A-Z a-z 0-9 . _ -${isPattern ? ', patterns also *' : ''})`)
    }
    if (isPattern && wildcardCount(entry) > MAX_PATTERN_WILDCARDS) fail(at, `${quoted(entry)} has more than ${MAX_PATTERN_WILDCARDS} wildcards (*)`)
    return entry
  })
}

function parseSelection(v: unknown, fail: Fail): LifecycleSelection {
  if (!isObject(v)) fail('selection', 'must be an object')
  checkKeys(v, SELECTION_KEYS, 'selection', fail)
  const { tagStatus, tagPrefixList, tagPatternList, storageClass, countType, countUnit, countNumber } = v
  if (!TAG_STATUSES.includes(tagStatus as TagStatus)) fail('selection.tagStatus', `must be one of ${TAG_STATUSES.join(', ')} (got ${quoted(tagStatus)})`)
  const status = tagStatus as TagStatus
  if (storageClass !== undefined && storageClass !== 'standard') {
    fail('selection.storageClass', storageClass === 'archive' ? `"archive" is not supported: ${NO_ARCHIVE}` : `must be "standard" (got ${quoted(storageClass)})`)
  }
  if (status === 'tagged') {
    if (tagPrefixList === undefined && tagPatternList === undefined) fail('selection.tagPatternList', 'a tagged rule needs tagPatternList or tagPrefixList')
    if (tagPrefixList !== undefined && tagPatternList !== undefined) fail('selection.tagPatternList', 'give tagPatternList or tagPrefixList, not both')
  } else {
    if (tagPrefixList !== undefined) fail('selection.tagPrefixList', `only allowed when tagStatus is tagged (this rule is ${status})`)
    if (tagPatternList !== undefined) fail('selection.tagPatternList', `only allowed when tagStatus is tagged (this rule is ${status})`)
  }
  if (countType === 'sinceImageTransitioned') fail('selection.countType', `"sinceImageTransitioned" is not supported: ${NO_ARCHIVE}`)
  if (!COUNT_TYPES.includes(countType as CountType)) fail('selection.countType', `must be one of ${COUNT_TYPES.join(', ')} (got ${quoted(countType)})`)
  const type = countType as CountType
  if (type === 'imageCountMoreThan') {
    if (countUnit !== undefined) fail('selection.countUnit', 'only allowed when countType is sinceImagePushed or sinceImagePulled')
  } else if (countUnit !== 'days') {
    fail('selection.countUnit', countUnit === undefined ? `required when countType is ${type} (use "days")` : `must be "days" (got ${quoted(countUnit)})`)
  }
  if (!isPositiveInt32(countNumber)) fail('selection.countNumber', `must be an integer from 1 to ${MAX_INT32} (got ${quoted(countNumber)})`)
  return {
    tagStatus: status,
    ...(tagPrefixList === undefined ? {} : { tagPrefixList: tagList(tagPrefixList, 'selection.tagPrefixList', fail) }),
    ...(tagPatternList === undefined ? {} : { tagPatternList: tagList(tagPatternList, 'selection.tagPatternList', fail) }),
    ...(storageClass === undefined ? {} : { storageClass: 'standard' as const }),
    countType: type,
    ...(type === 'imageCountMoreThan' ? {} : { countUnit: 'days' as const }),
    countNumber,
  }
}

function parseAction(v: unknown, fail: Fail): { readonly type: 'expire' } {
  if (!isObject(v)) fail('action', 'must be an object')
  checkKeys(v, ACTION_KEYS, 'action', fail)
  if (v['type'] === 'transition') fail('action.type', `"transition" is not supported: ${NO_ARCHIVE}`)
  if (v['type'] !== 'expire') fail('action.type', `must be "expire" (got ${quoted(v['type'])})`)
  if (v['targetStorageClass'] !== undefined) fail('action.targetStorageClass', `only used by the transition action, which is not supported: ${NO_ARCHIVE}`)
  return { type: 'expire' }
}

/** Validates rules[index]; throws LifecyclePolicyError naming the rule and the field. */
export function parseRule(v: unknown, index: number): LifecycleRule {
  let priority: number | undefined
  const fail: Fail = (field, reason) => {
    throw new LifecyclePolicyError(field, reason, { index, priority })
  }
  if (!isObject(v)) fail('', 'must be an object')
  const o = v as Record<string, unknown>
  if (isPositiveInt32(o['rulePriority'])) priority = o['rulePriority']
  checkKeys(o, RULE_KEYS, '', fail)
  if (priority === undefined) fail('rulePriority', `required: an integer from 1 to ${MAX_INT32} (got ${quoted(o['rulePriority'])})`)
  const description = o['description']
  if (description !== undefined && typeof description !== 'string') fail('description', 'must be a string')
  if (o['selection'] === undefined) fail('selection', 'required')
  if (o['action'] === undefined) fail('action', 'required')
  const selection = parseSelection(o['selection'], fail)
  const action = parseAction(o['action'], fail)
  return { rulePriority: priority as number, ...(description === undefined ? {} : { description }), selection, action }
}
