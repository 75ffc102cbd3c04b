/**
 * ECR's resource tags as requests carry them (`[{"Key": "team", "Value": "a"}]`), checked with
 * ECR's limits: at most 50 per repository (TooManyTagsException), keys of 1 to 128 characters
 * not starting with the reserved `aws:`, values of at most 256 (InvalidTagParameterException).
 * CreateRepository uses it; TagResource will.
 */
import type { ResourceTag } from '../../metadata/resource-tag-store.ts'
import { EcrError } from '../ecr-error.ts'

export const MAX_TAGS = 50

const invalid = (message: string): EcrError => new EcrError('InvalidTagParameterException', message)

export function parseTags(raw: unknown): ResourceTag[] {
  const list = (raw ?? []) as ReadonlyArray<{ Key?: string; Value?: string }>
  const seen = new Set<string>()
  const tags = list.map((t) => {
    const key = t.Key ?? ''
    const value = t.Value ?? ''
    if ([...key].length < 1 || [...key].length > 128) throw invalid('Tag keys must have 1 to 128 characters')
    if (key.toLowerCase().startsWith('aws:')) throw invalid(`Tag key '${key.slice(0, 128)}' uses the reserved prefix 'aws:'`)
    if ([...value].length > 256) throw invalid('Tag values must have at most 256 characters')
    if (seen.has(key)) throw invalid(`Tag key '${key}' is given twice`)
    seen.add(key)
    return { key, value }
  })
  if (tags.length > MAX_TAGS) throw new EcrError('TooManyTagsException', `A repository has at most ${MAX_TAGS} tags`)
  return tags
}
