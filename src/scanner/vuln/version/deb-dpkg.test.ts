// deb.ts against the real `dpkg --compare-versions` on thousands of generated pairs.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { debScheme } from './deb.ts'
import { opOf } from './test-support/read-vectors.ts'
import { makePairs, SeededRandom } from './test-support/seeded-random.ts'

const SEED = 0x0d9c0de
const PAIRS = 2000

function requireDpkg(): void {
  const res = spawnSync('dpkg', ['--version'], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error('dpkg is required for this test (Debian: it is part of the base system)')
}

/** Realistic Debian versions, with the odd cases dpkg has opinions about. */
function debianVersion(rng: SeededRandom): string {
  const epoch = rng.pick(['', '', '', '', '0:', '1:', '2:', '10:', '01:', 'a:', ':', '-1:', '99999999999:'])
  let upstream = rng.chance(0.05) ? rng.pick(['a', 'z', '~', '+']) : rng.number()
  const parts = rng.int(0, 3)
  for (let i = 0; i < parts; i++) {
    upstream += rng.pick(['.', '.', '.', '+', '~', '']) + rng.pick([rng.number(), rng.number(), 'dfsg', 'rc', 'a', 'Z', 'really', 'git', 'b'])
  }
  if (rng.chance(0.25)) upstream += rng.pick(['~rc1', '~beta2', '+dfsg', '+git20240101.abc', '~~', '~', 'a', '.', '_1', '+ds1'])
  const revision = rng.pick([
    '', '', '-1', '-2', '-0ubuntu1', '-1+deb12u1', '-1+deb12u2', '-1~bpo11+1', '-10', '-1.1', '-',
    '-1-2', '-a', '-~', '-0', '-00', '-1~', '-1+b1',
  ])
  return epoch + upstream + revision
}

const BATCH_SCRIPT = `
while IFS=$'\\t' read -r a b; do
  if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo '<'
  else
    rc=$?
    if [ "$rc" -ne 1 ]; then echo E
    elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo '='
    else echo '>'; fi
  fi
done`

/** One bash process loops over all pairs; `E` when dpkg refuses a version. */
function dpkgCompare(pairs: ReadonlyArray<readonly [string, string]>): string[] {
  const input = pairs.map(([a, b]) => `${a}\t${b}\n`).join('')
  const res = spawnSync('bash', ['-c', BATCH_SCRIPT], { input, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
  if (res.status !== 0) throw new Error(`dpkg batch failed: ${res.stderr}`)
  const out = res.stdout.split('\n').filter((l) => l !== '')
  assert.equal(out.length, pairs.length, 'dpkg batch returned fewer results than pairs')
  return out
}

describe('deb scheme vs dpkg --compare-versions', () => {
  it(`agrees on validity and order for ${PAIRS} generated pairs (seed ${SEED})`, () => {
    requireDpkg()
    const rng = new SeededRandom(SEED)
    const pool = [...new Set(Array.from({ length: 400 }, () => debianVersion(rng)))]
    // Validity: dpkg either compares a version with itself or refuses it.
    const validity = dpkgCompare(pool.map((v) => [v, v] as const))
    const valid = new Map(pool.map((v, i) => [v, validity[i] === '=']))
    const wrongValidity = pool.filter((v) => debScheme.isValid(v) !== valid.get(v))
    assert.deepEqual(wrongValidity, [], 'isValid disagrees with dpkg')
    assert.ok([...valid.values()].filter((x) => !x).length > 10, 'the generator must produce invalid versions too')

    const pairs = makePairs(rng, pool.filter((v) => valid.get(v)), PAIRS)
    const expected = dpkgCompare(pairs)
    const disagreements: string[] = []
    pairs.forEach(([a, b], i) => {
      const got = opOf(debScheme.compare(a, b))
      if (got !== expected[i]) disagreements.push(`${a} vs ${b}: dpkg ${expected[i]}, deb.ts ${got}`)
    })
    assert.deepEqual(disagreements, [])
    assert.ok(new Set(expected).size === 3, 'pairs must cover <, = and >')
  })
})
