// Tag patterns of tagPatternList: `*` is any run (possibly empty), everything else literal, whole
// tag; a rule's lists are ANDs over patterns/prefixes and ORs over the image's tags.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { matchesEveryPattern, matchesEveryPrefix, matchesTagPattern, wildcardCount } from './tag-pattern.ts'

describe('matchesTagPattern', () => {
  it('matches literal patterns only exactly', () => {
    assert.equal(matchesTagPattern('prod', 'prod'), true)
    assert.equal(matchesTagPattern('prod', 'prod1'), false)
    assert.equal(matchesTagPattern('prod', 'xprod'), false)
  })

  it('prod* takes prod, prod1, prod2 (ECR documentation example) but not preprod', () => {
    for (const tag of ['prod', 'prod1', 'prod2', 'prod-2024.1']) assert.equal(matchesTagPattern('prod*', tag), true, tag)
    assert.equal(matchesTagPattern('prod*', 'preprod'), false)
    assert.equal(matchesTagPattern('prod*', 'pro'), false)
  })

  it('anchors both ends and lets * be empty', () => {
    assert.equal(matchesTagPattern('*-rc', 'v1-rc'), true)
    assert.equal(matchesTagPattern('*-rc', 'v1-rc1'), false)
    assert.equal(matchesTagPattern('v*1', 'v1'), true)
    assert.equal(matchesTagPattern('*', 'anything'), true)
    assert.equal(matchesTagPattern('a*b*a', 'aba'), true)
    assert.equal(matchesTagPattern('a*b*a', 'ab'), false, 'pieces may not overlap')
    assert.equal(matchesTagPattern('ab*ba', 'aba'), false, 'prefix and suffix may not overlap')
  })

  it('matches ECR four-wildcard examples', () => {
    assert.equal(matchesTagPattern('*test*1*2*3', 'my-test-v1.2.3'), true)
    assert.equal(matchesTagPattern('test*1*2*3*', 'test-1-2-3-final'), true)
    assert.equal(matchesTagPattern('test*1*2*3*', 'test-3-2-1'), false)
  })

  it('treats dots and other characters literally (no regex)', () => {
    assert.equal(matchesTagPattern('v1.*', 'v1.4'), true)
    assert.equal(matchesTagPattern('v1.*', 'v1x4'), false)
  })

  it('agrees with a regex reference on generated cases', () => {
    const alphabet = ['a', 'b', '-']
    const rand = seeded(7)
    for (let i = 0; i < 3000; i++) {
      const pattern = word(rand, [...alphabet, '*'], 6)
      const tag = word(rand, alphabet, 8)
      const reference = new RegExp(`^${pattern.replace(/[-]/g, '\\-').replace(/\*/g, '.*')}$`)
      assert.equal(matchesTagPattern(pattern, tag), reference.test(tag), `${pattern} vs ${tag}`)
    }
  })
})

describe('wildcardCount', () => {
  it('counts stars', () => {
    assert.equal(wildcardCount('*test*1*2*3'), 4)
    assert.equal(wildcardCount('test*1*2*3*4*5*6'), 6)
    assert.equal(wildcardCount('plain'), 0)
  })
})

describe('list semantics', () => {
  it('every prefix must start some tag (ECR: images must match all listed prefixes)', () => {
    assert.equal(matchesEveryPrefix(['alpha', 'beta'], ['alpha-2', 'beta-2']), true)
    assert.equal(matchesEveryPrefix(['alpha', 'beta'], ['alpha-1']), false)
    assert.equal(matchesEveryPrefix(['alpha'], []), false)
  })

  it('every pattern must match some tag', () => {
    assert.equal(matchesEveryPattern(['prod*', '*-signed'], ['prod-1', 'x-signed']), true)
    assert.equal(matchesEveryPattern(['prod*', '*-signed'], ['prod-1']), false)
  })
})

function seeded(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648
    return s / 2_147_483_648
  }
}

function word(rand: () => number, alphabet: readonly string[], maxLength: number): string {
  let out = ''
  const n = Math.floor(rand() * (maxLength + 1))
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(rand() * alphabet.length)]
  return out
}
