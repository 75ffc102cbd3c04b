import assert from 'node:assert/strict'
import { it } from 'node:test'
import { isRegistryError } from '../../oci/errors.ts'
import { parseRepositorySettings } from './settings-input.ts'

const policy = JSON.stringify({ rules: [{ rulePriority: 1, description: 'old untagged', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } }] })
const refused = (body: Record<string, unknown>, message: RegExp) =>
  assert.throws(() => parseRepositorySettings(body), (e: unknown) => isRegistryError(e, 'UNSUPPORTED') && e.status === 400 && message.test(e.message))

it('accepts every setting with ECR\'s names, the policy text verbatim', () => {
  const filters = [1, 2, 3, 4, 5].map((i) => ({ filterType: 'WILDCARD', filter: `dev-${i}*` }))
  assert.deepEqual(parseRepositorySettings({ scanOnPush: true, imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: filters, lifecyclePolicy: policy }), {
    scanOnPush: true, imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: filters, lifecyclePolicy: policy,
  })
  assert.deepEqual(parseRepositorySettings({}), {})
})

it('refuses bad values, naming the field', () => {
  refused({ scanOnPush: 'yes' }, /scanOnPush/)
  refused({ imageTagMutability: 'FROZEN' }, /imageTagMutability' must be one of MUTABLE, IMMUTABLE/)
  refused({ imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' }, /needs 'imageTagMutabilityExclusionFilters'/)
  refused({ imageTagMutability: 'IMMUTABLE', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'x' }] }, /apply only to/)
  refused({ imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'x' }] }, /apply only to/)
  const mode = { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' }
  refused({ ...mode, imageTagMutabilityExclusionFilters: [] }, /1 to 5 filters/)
  refused({ ...mode, imageTagMutabilityExclusionFilters: Array(6).fill({ filterType: 'WILDCARD', filter: 'x' }) }, /1 to 5 filters/)
  refused({ ...mode, imageTagMutabilityExclusionFilters: [{ filterType: 'REGEX', filter: 'x' }] }, /WILDCARD/)
  refused({ ...mode, imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'a/b' }] }, /WILDCARD/)
  refused({ ...mode, imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'x'.repeat(129) }] }, /WILDCARD/)
  refused({ ...mode, imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'x', extra: 1 }] }, /WILDCARD/)
  refused({ lifecyclePolicy: { rules: [] } }, /a string/)
  refused({ lifecyclePolicy: '{"rules":[]}' }, /lifecyclePolicy': invalid lifecycle policy: .*100 to 30720 characters/)
  refused({ lifecyclePolicy: policy.replace('"days"', '"weeks"') }, /lifecyclePolicy': invalid lifecycle policy: rules\[0\].*countUnit/)
  refused({ scanOnPush: true, typo: 1 }, /unknown setting 'typo'/)
})
