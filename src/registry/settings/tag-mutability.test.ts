import assert from 'node:assert/strict'
import { it } from 'node:test'
import { isCosignTag, isTagImmutable } from './tag-mutability.ts'

const hex = 'a'.repeat(64)
const f = (...filters: string[]) => filters.map((filter) => ({ filterType: 'WILDCARD' as const, filter }))

it('exclusion filters: * matches any run of characters, the rest literally', () => {
  const excluded = (filter: string, tag: string) => !isTagImmutable('IMMUTABLE_WITH_EXCLUSION', f(filter), tag)
  assert.equal(excluded('latest', 'latest'), true)
  assert.equal(excluded('latest', 'latest2'), false)
  assert.equal(excluded('dev-*', 'dev-'), true)
  assert.equal(excluded('dev-*', 'prod-dev-42'), false)
  assert.equal(excluded('*-rc*', 'v1-rc2'), true)
  assert.equal(excluded('ab*ba', 'aba'), false, 'prefix and suffix may not overlap')
  assert.equal(excluded('v1.*', 'v1x2'), false, 'a dot is literal')
})

it('the four ECR modes, exclusions included', () => {
  assert.equal(isTagImmutable('MUTABLE', [], 'v1'), false)
  assert.equal(isTagImmutable('IMMUTABLE', [], 'v1'), true)
  assert.equal(isTagImmutable('IMMUTABLE_WITH_EXCLUSION', f('latest', 'dev-*'), 'v1'), true)
  assert.equal(isTagImmutable('IMMUTABLE_WITH_EXCLUSION', f('latest', 'dev-*'), 'dev-7'), false)
  assert.equal(isTagImmutable('MUTABLE_WITH_EXCLUSION', f('release-*'), 'release-1'), true)
  assert.equal(isTagImmutable('MUTABLE_WITH_EXCLUSION', f('release-*'), 'latest'), false)
})

it('cosign signature, attestation and SBOM tags stay mutable in an immutable repository', () => {
  for (const suffix of ['sig', 'att', 'sbom']) {
    assert.equal(isCosignTag(`sha256-${hex}.${suffix}`), true)
    assert.equal(isTagImmutable('IMMUTABLE', [], `sha256-${hex}.${suffix}`), false)
  }
  assert.equal(isCosignTag(`sha256-${hex}.sigx`), false)
  assert.equal(isCosignTag(`sha256-${hex.slice(1)}.sig`), false)
  assert.equal(isTagImmutable('IMMUTABLE', [], `sha256-${hex}.txt`), true)
})
