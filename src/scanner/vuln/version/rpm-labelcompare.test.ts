// rpm.ts against rpm's own comparison (python3-rpm: rpm.ver for the EVR split, rpm.labelCompare
// for the order) on thousands of generated pairs, in one python3 process.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rpmScheme } from './rpm.ts'
import { runPython } from './test-support/python-oracle.ts'
import { opOf } from './test-support/read-vectors.ts'
import { makePairs, SeededRandom } from './test-support/seeded-random.ts'

const SEED = 0x5eed4e9
const PAIRS = 4000

// Missing epoch = 0 (Drydock's contract, as rpm itself treats an installed package's epoch);
// a missing release stays None, which labelCompare sorts before any release.
const ORACLE = `
import json, sys
import rpm
def evr(s):
    v = rpm.ver(s)
    return (v.e if v.e is not None else '0', v.v, v.r)
for line in sys.stdin:
    kind, a, b = json.loads(line)
    if kind == 'valid':
        try:
            evr(a); print('1')
        except Exception:
            print('0')
    else:
        c = rpm.labelCompare(evr(a), evr(b))
        print('<' if c < 0 else '>' if c > 0 else '=')
`

function rpmVersion(rng: SeededRandom): string {
  const epoch = rng.pick(['', '', '', '0:', '1:', '2:', '01:', '10:', 'a:', ':'])
  let version = rng.chance(0.1) ? rng.pick(['a', 'B', '_', '~1', '^1']) : rng.number()
  const parts = rng.int(0, 4)
  for (let i = 0; i < parts; i++) {
    version +=
      rng.pick(['.', '.', '.', '_', '+', '~', '^', '', '..', 'α']) +
      rng.pick([rng.number(), rng.number(), 'a', 'rc', 'git', 'el', 'Beta', 'p', 'z'])
  }
  const release = rng.pick([
    '', '', '-1', '-2', '-1.el9', '-1.el9_3', '-0.1.rc1.el8', '-1.fc39', '-10.module+el8.9.0+1+abc',
    '-', '-1.', '-1~', '-1^git1', '-1-2', '-a',
  ])
  return epoch + version + release
}

describe('rpm scheme vs python3-rpm labelCompare', () => {
  it(`agrees on validity and order for ${PAIRS} generated pairs (seed ${SEED})`, () => {
    const rng = new SeededRandom(SEED)
    const pool = [...new Set(Array.from({ length: 500 }, () => rpmVersion(rng)).concat(['']))]
    const hint = 'needs Debian packages rpm and python3-rpm'
    const validity = runPython(ORACLE, pool.map((v) => JSON.stringify(['valid', v, ''])).join('\n'), hint)
    const wrongValidity = pool.filter((v, i) => rpmScheme.isValid(v) !== (validity[i] === '1'))
    assert.deepEqual(wrongValidity, [], 'isValid disagrees with rpm.ver')

    const pairs = makePairs(rng, pool.filter((v) => rpmScheme.isValid(v)), PAIRS)
    const expected = runPython(ORACLE, pairs.map(([a, b]) => JSON.stringify(['cmp', a, b])).join('\n'), hint)
    assert.equal(expected.length, pairs.length)
    const disagreements: string[] = []
    pairs.forEach(([a, b], i) => {
      const got = opOf(rpmScheme.compare(a, b))
      if (got !== expected[i]) disagreements.push(`${a} vs ${b}: rpm ${expected[i]}, rpm.ts ${got}`)
    })
    assert.deepEqual(disagreements, [])
    assert.equal(new Set(expected).size, 3, 'pairs must cover <, = and >')
  })
})
