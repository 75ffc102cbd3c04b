// pep440.ts against pypa packaging (Debian python3-packaging: packaging.version.Version) on
// thousands of generated pairs, in one python3 process.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pep440Scheme } from './pep440.ts'
import { runPython } from './test-support/python-oracle.ts'
import { opOf } from './test-support/read-vectors.ts'
import { makePairs, SeededRandom } from './test-support/seeded-random.ts'

const SEED = 0x440440
const PAIRS = 6000

const ORACLE = `
import json, sys
from packaging.version import Version, InvalidVersion
for line in sys.stdin:
    kind, a, b = json.loads(line)
    if kind == 'valid':
        try:
            Version(a); print('1')
        except InvalidVersion:
            print('0')
    else:
        x, y = Version(a), Version(b)
        print('<' if x < y else '>' if x > y else '=')
`

function pythonVersion(rng: SeededRandom): string {
  if (rng.chance(0.03)) return rng.pick(['.1', '1..2', '1.0-', 'foo', '1.0 1', '1.0+', '1.0+a..b', '1!', 'v', '1.0.post.dev.', '1_0', '٣'])
  const prefix = rng.pick(['', '', '', '', 'v', 'V', ' ', '\t'])
  const epoch = rng.pick(['', '', '', '', '', '1!', '0!', '2!', '01!'])
  const release = Array.from({ length: rng.int(1, 4) }, () => rng.number()).join('.')
  const pre = rng.pick(['', '', '', 'a1', 'b2', 'rc3', 'alpha', '.beta.4', '-c5', 'pre', 'preview1', '_RC_2', 'a0', 'A', 'c'])
  const post = rng.pick(['', '', '', '.post1', '-1', 'post', '.rev2', '-r3', '_post_4', '.post0', 'r', '-0'])
  const dev = rng.pick(['', '', '', '.dev0', 'dev', '-dev5', '.DEV', 'dev1', '_dev_'])
  const local = rng.pick(['', '', '', '', '+ubuntu1', '+abc.5', '+1.2', '+local-1_A', '+0', '+00.a', '+a', '+1'])
  const tail = rng.pick(['', '', '', '', ' ', '\n'])
  return prefix + epoch + release + pre + post + dev + local + tail
}

describe('pep440 scheme vs packaging.version.Version', () => {
  it(`agrees on validity and order for ${PAIRS} generated pairs (seed ${SEED})`, () => {
    const rng = new SeededRandom(SEED)
    const pool = [...new Set(Array.from({ length: 1500 }, () => pythonVersion(rng)))]
    const hint = 'needs Debian package python3-packaging'
    const validity = runPython(ORACLE, pool.map((v) => JSON.stringify(['valid', v, ''])).join('\n'), hint)
    assert.equal(validity.length, pool.length)
    const wrongValidity = pool.filter((v, i) => pep440Scheme.isValid(v) !== (validity[i] === '1'))
    assert.deepEqual(wrongValidity, [], 'isValid disagrees with packaging')
    const valid = pool.filter((v) => pep440Scheme.isValid(v))
    assert.ok(valid.length < pool.length, 'the pool must contain invalid versions too')

    const pairs = makePairs(rng, valid, PAIRS)
    const expected = runPython(ORACLE, pairs.map(([a, b]) => JSON.stringify(['cmp', a, b])).join('\n'), hint)
    assert.equal(expected.length, pairs.length)
    const disagreements: string[] = []
    pairs.forEach(([a, b], i) => {
      const got = opOf(pep440Scheme.compare(a, b))
      if (got !== expected[i]) disagreements.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: packaging ${expected[i]}, pep440.ts ${got}`)
    })
    assert.deepEqual(disagreements, [])
    assert.equal(new Set(expected).size, 3)
  })

  it('normalises the alternative spellings PEP 440 allows', () => {
    const same: Array<[string, string]> = [
      ['1.0a1', '1.0.alpha-1'], ['1.0rc1', '1.0c1'], ['1.0rc1', '1.0-preview_1'], ['1.0.post1', '1.0-1'],
      ['1.0.post1', '1.0rev1'], ['1.0.post0', '1.0.post'], ['1.0.dev0', '1.0dev'], ['1.0+ubuntu.1', '1.0+Ubuntu-1'],
      ['v1.0', '1'], ['0!1.0', '1.0.0'], [' 1.0\n', '1.0'],
    ]
    for (const [a, b] of same) assert.equal(pep440Scheme.compare(a, b), 0, `${a} = ${b}`)
    const ordered = ['1.0.dev0', '1.0a1.dev1', '1.0a1', '1.0b1', '1.0rc1', '1.0', '1.0+local', '1.0.post1.dev1', '1.0.post1', '1.1', '1!0.1']
    for (let i = 1; i < ordered.length; i++) assert.equal(pep440Scheme.compare(ordered[i - 1]!, ordered[i]!), -1, ordered[i]!)
  })
})
