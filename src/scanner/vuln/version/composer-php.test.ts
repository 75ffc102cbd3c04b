// composer.ts against Composer itself: PHP with composer/semver (Debian php-cli and
// php-composer-semver), VersionParser::normalize() plus version_compare(), on thousands of pairs.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { composerScheme, normalizeComposerVersion } from './composer.ts'
import { phpVersionCompare } from './php-version-compare.ts'
import { opOf } from './test-support/read-vectors.ts'
import { makePairs, SeededRandom } from './test-support/seeded-random.ts'

const SEED = 0xc0391e5
const PAIRS = 5000

// One php process: `norm` lines print the normal form (or ! when normalize() throws or gives a
// branch), `cmp` lines print version_compare() of two normal forms, `raw` lines version_compare()
// of two arbitrary strings.
const ORACLE = `
require '/usr/share/php/Composer/Semver/autoload.php';
$p = new Composer\\Semver\\VersionParser();
while (($line = fgets(STDIN)) !== false) {
  [$kind, $a, $b] = json_decode($line, true);
  if ($kind === 'norm') {
    try { $n = $p->normalize($a); echo (strpos($n, 'dev-') === 0 ? '!' : json_encode($n)), "\\n"; }
    catch (UnexpectedValueException $e) { echo "!\\n"; }
  } else {
    echo version_compare($a, $b), "\\n";
  }
}`

function runPhp(lines: ReadonlyArray<readonly [string, string, string]>): string[] {
  const input = lines.map((l) => JSON.stringify(l)).join('\n') + '\n'
  const res = spawnSync('php', ['-r', ORACLE], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (res.error || res.status !== 0) {
    throw new Error(`php failed (needs Debian packages php-cli and php-composer-semver): ${res.error?.message ?? res.stderr}`)
  }
  const out = res.stdout.split('\n').slice(0, -1)
  assert.equal(out.length, lines.length, 'php returned fewer results than inputs')
  return out
}

function composerVersion(rng: SeededRandom): string {
  if (rng.chance(0.04)) {
    return rng.pick(['dev-main', 'master', 'trunk', 'dev-feature/x', 'DEV-master', '1.0-foo', '1.0.0.0.0', 'v', '', 'foo-dev', '1.*', '~1.0', '1.0 as 2.0', '1.0@dev', ' 1.0 ', '1.x-dev', '2.*-dev', 'v3.1.X-dev', '123456', '2010-01-02', '20100102', '2010.01.02.10.20.30', '2010-01-02-beta1', '1.0+build.1', '1.0.0+', '1.0-dev-foo', '1.0\n@dev'])
  }
  const prefix = rng.pick(['', '', '', '', 'v', 'V'])
  const n = (): string => (rng.chance(0.05) ? '99999999999999999999' : rng.number())
  let v = rng.chance(0.03) ? '123456' : String(rng.int(0, 12))
  const parts = rng.int(0, 3)
  for (let i = 0; i < parts; i++) v += '.' + n()
  const sep = rng.pick(['', '-', '.', '_'])
  const stability = rng.pick(['', '', '', 'beta', 'b', 'RC', 'rc', 'alpha', 'a', 'patch', 'pl', 'p', 'stable', 'STABLE', 'Beta', 'dev'])
  const num = stability && stability !== 'dev' ? rng.pick(['', '1', '2', '10', '.1', '-2', '1.2', '01']) : ''
  const dev = rng.pick(['', '', '', '', '-dev', '.dev', 'dev', '-DEV'])
  const tail = rng.pick(['', '', '', '', '', '+build.5', '@dev', '@stable', ' as 9.9', '-foo', '.x'])
  return prefix + v + (stability ? sep + stability + num : '') + dev + tail
}

describe('composer scheme vs composer/semver + version_compare', () => {
  it(`normalises like VersionParser::normalize() (seed ${SEED})`, () => {
    const rng = new SeededRandom(SEED)
    const pool = [...new Set(Array.from({ length: 1500 }, () => composerVersion(rng)))]
    const expected = runPhp(pool.map((v) => ['norm', v, ''] as const))
    const wrong: string[] = []
    pool.forEach((v, i) => {
      let got = '!'
      try {
        got = JSON.stringify(normalizeComposerVersion(v))
      } catch {
        // stays '!'
      }
      if (got !== expected[i]) wrong.push(`${JSON.stringify(v)}: composer ${expected[i]}, composer.ts ${got}`)
      assert.equal(composerScheme.isValid(v), expected[i] !== '!')
    })
    assert.deepEqual(wrong, [])
    assert.ok(expected.filter((e) => e === '!').length > 20, 'the pool must contain invalid versions too')
  })

  it(`orders ${PAIRS} generated pairs like version_compare() (seed ${SEED})`, () => {
    const rng = new SeededRandom(SEED + 1)
    const pool = [...new Set(Array.from({ length: 1500 }, () => composerVersion(rng)))].filter((v) => composerScheme.isValid(v))
    const pairs = makePairs(rng, pool, PAIRS)
    const expected = runPhp(pairs.map(([a, b]) => ['cmp', normalizeComposerVersion(a), normalizeComposerVersion(b)] as const))
    const wrong: string[] = []
    pairs.forEach(([a, b], i) => {
      const want = opOf(Number(expected[i]))
      const got = opOf(composerScheme.compare(a, b))
      if (got !== want) wrong.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: composer ${want}, composer.ts ${got}`)
    })
    assert.deepEqual(wrong, [])
    assert.equal(new Set(expected).size, 3)
  })

  it('implements version_compare() itself on raw strings', () => {
    const rng = new SeededRandom(SEED + 2)
    const atoms = ['1', '0', '10', '2', '.', '-', '_', '+', 'dev', 'alpha', 'a', 'beta', 'b', 'RC', 'rc', 'pl', 'p', 'patch', 'x', '#', 'foo', ' ', '99999999999999999999']
    const raw = Array.from({ length: 3000 }, () => {
      let s = ''
      for (let i = rng.int(0, 7); i > 0; i--) s += rng.pick(atoms)
      return s
    })
    const pairs = makePairs(rng, raw, 3000)
    const expected = runPhp(pairs.map(([a, b]) => ['cmp', a, b] as const))
    const wrong = pairs
      .map(([a, b], i) => [a, b, Number(expected[i]), phpVersionCompare(a, b)] as const)
      .filter(([, , want, got]) => want !== got)
      .map(([a, b, want, got]) => `${JSON.stringify(a)} vs ${JSON.stringify(b)}: php ${want}, ours ${got}`)
    assert.deepEqual(wrong, [])
  })
})
