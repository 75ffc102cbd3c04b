/**
 * Repository settings as a client sends them (the API's JSON body, ECR's field names), checked
 * with ECR's limits: the four mutability values; 1 to 5 WILDCARD exclusion filters, exactly when
 * the mode is one of the *_WITH_EXCLUSION ones, each 1..128 tag characters or `*`; a lifecycle
 * policy text the lifecycle engine accepts (ECR's grammar, 100..30720 characters), kept verbatim
 * so GET answers exactly what was sent.
 */
import { RegistryError } from '../../oci/errors.ts'
import { TAG_MUTABILITIES, type MutabilityExclusionFilter, type RepositorySettings, type TagMutability } from '../metadata/settings-store.ts'
import { parseLifecyclePolicy } from '../lifecycle/parse-policy.ts'
import { LifecyclePolicyError } from '../lifecycle/policy-error.ts'

export const MAX_EXCLUSION_FILTERS = 5
const FILTER_RE = /^[0-9a-zA-Z._*-]{1,128}$/
const FIELDS = ['scanOnPush', 'imageTagMutability', 'imageTagMutabilityExclusionFilters', 'lifecyclePolicy'] as const

const invalid = (message: string): RegistryError => new RegistryError('UNSUPPORTED', message, { status: 400 })

function parseFilters(raw: unknown): MutabilityExclusionFilter[] {
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > MAX_EXCLUSION_FILTERS) {
    throw invalid(`'imageTagMutabilityExclusionFilters' must be a list of 1 to ${MAX_EXCLUSION_FILTERS} filters`)
  }
  return raw.map((f: unknown) => {
    const o = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>
    const filter = o['filter']
    if (o['filterType'] !== 'WILDCARD' || typeof filter !== 'string' || !FILTER_RE.test(filter) || Object.keys(o).length !== 2) {
      throw invalid("each exclusion filter is {\"filterType\": \"WILDCARD\", \"filter\": \"<1 to 128 of [A-Za-z0-9._-] or *>\"}")
    }
    return { filterType: 'WILDCARD' as const, filter }
  })
}

/** A settings object → RepositorySettings; absent fields stay unset. Throws UNSUPPORTED (400) on bad input. */
export function parseRepositorySettings(body: Readonly<Record<string, unknown>>): RepositorySettings {
  const unknown = Object.keys(body).find((k) => !(FIELDS as readonly string[]).includes(k))
  if (unknown !== undefined) throw invalid(`unknown setting '${unknown.slice(0, 64)}' (known: ${FIELDS.join(', ')})`)
  const { scanOnPush, imageTagMutability, imageTagMutabilityExclusionFilters, lifecyclePolicy } = body
  if (scanOnPush !== undefined && typeof scanOnPush !== 'boolean') throw invalid("'scanOnPush' must be true or false")
  if (imageTagMutability !== undefined && !(TAG_MUTABILITIES as readonly unknown[]).includes(imageTagMutability)) {
    throw invalid(`'imageTagMutability' must be one of ${TAG_MUTABILITIES.join(', ')}`)
  }
  const mode = imageTagMutability as TagMutability | undefined
  const withExclusion = mode === 'IMMUTABLE_WITH_EXCLUSION' || mode === 'MUTABLE_WITH_EXCLUSION'
  if (withExclusion && imageTagMutabilityExclusionFilters === undefined) throw invalid(`'${mode}' needs 'imageTagMutabilityExclusionFilters'`)
  if (!withExclusion && imageTagMutabilityExclusionFilters !== undefined) {
    throw invalid("'imageTagMutabilityExclusionFilters' apply only to IMMUTABLE_WITH_EXCLUSION and MUTABLE_WITH_EXCLUSION")
  }
  if (lifecyclePolicy !== undefined) {
    if (typeof lifecyclePolicy !== 'string') throw invalid("'lifecyclePolicy' must be the policy's JSON text (a string)")
    try {
      parseLifecyclePolicy(lifecyclePolicy)
    } catch (err) {
      if (err instanceof LifecyclePolicyError) throw invalid(`'lifecyclePolicy': ${err.message}`)
      throw err
    }
  }
  return {
    ...(scanOnPush === undefined ? {} : { scanOnPush }),
    ...(mode === undefined ? {} : { imageTagMutability: mode }),
    ...(withExclusion ? { imageTagMutabilityExclusionFilters: parseFilters(imageTagMutabilityExclusionFilters) } : {}),
    ...(typeof lifecyclePolicy === 'string' ? { lifecyclePolicy } : {}),
  }
}
