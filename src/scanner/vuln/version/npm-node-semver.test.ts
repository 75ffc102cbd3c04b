// npm.ts against npm's own `semver` package (the test oracle, a pinned devDependency) on
// thousands of generated pairs, loose mode as npm uses it.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import semver from 'semver'
import { npmScheme } from './npm.ts'
import { opOf } from './test-support/read-vectors.ts'
import { makePairs, SeededRandom } from './test-support/seeded-random.ts'

const SEED = 0x00c0ffee
const PAIRS = 6000
const LOOSE = { loose: true }

function npmVersion(rng: SeededRandom): string {
  const prefix = rng.pick(['', '', '', '', 'v', '=', ' ', 'v=', '=v ', 'V', 'vv', ' =  v'])
  const n = (): string => (rng.chance(0.03) ? '9007199254740993' : rng.number())
  let main = `${n()}.${n()}.${n()}`
  if (rng.chance(0.04)) main = rng.pick([`${n()}.${n()}`, `${n()}.${n()}.${n()}.${n()}`, `${n()}`])
  let pre = ''
  if (rng.chance(0.6)) {
    const ids = Array.from({ length: rng.int(1, 3) }, () =>
      rng.pick(['alpha', 'beta', 'rc', 'RC', 'a', 'b', '0', '1', '2', '10', '01', 'x-y', '-', 'pre-1', rng.number(), '99999999999999999999', 'Alpha', '1a']),
    )
    pre = rng.pick(['-', '-', '-', '']) + ids.join('.')
  }
  const build = rng.pick(['', '', '', '+build.5', '+001', '+sha.abcdef', '+', '+a..b'])
  const tail = rng.pick(['', '', '', '', ' ', '\t', '.', '_'])
  const long = rng.chance(0.01) ? '-' + 'a'.repeat(260) : ''
  return prefix + main + pre + long + build + tail
}

describe('npm scheme vs node-semver', () => {
  it(`agrees on validity and order for ${PAIRS} generated pairs (seed ${SEED})`, () => {
    const rng = new SeededRandom(SEED)
    const pool = [...new Set(Array.from({ length: 1500 }, () => npmVersion(rng)))]
    const wrongValidity = pool.filter((v) => npmScheme.isValid(v) !== (semver.valid(v, LOOSE) !== null))
    assert.deepEqual(wrongValidity, [], 'isValid disagrees with semver.valid(v, { loose: true })')
    const valid = pool.filter((v) => npmScheme.isValid(v))
    assert.ok(valid.length > 500 && valid.length < pool.length - 50, 'the pool must mix valid and invalid versions')

    const disagreements: string[] = []
    const seen = new Set<string>()
    for (const [a, b] of makePairs(rng, valid, PAIRS)) {
      const expected = opOf(semver.compare(a, b, LOOSE))
      const got = opOf(npmScheme.compare(a, b))
      seen.add(expected)
      if (got !== expected) disagreements.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: semver ${expected}, npm.ts ${got}`)
    }
    assert.deepEqual(disagreements, [])
    assert.equal(seen.size, 3)
  })

  it('orders the forms npm documents', () => {
    const ordered = ['0.0.0-0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', 'v1.0.1', '=1.1.0', '2.0.0']
    for (let i = 1; i < ordered.length; i++) assert.equal(npmScheme.compare(ordered[i - 1]!, ordered[i]!), -1, ordered[i]!)
    assert.equal(npmScheme.compare('v1.2.3', '=1.2.3'), 0)
    assert.equal(npmScheme.compare('1.2.3beta', '1.2.3-beta'), 0)
    assert.equal(npmScheme.compare('1.2.3+build.1', '1.2.3+build.2'), 0)
  })
})
