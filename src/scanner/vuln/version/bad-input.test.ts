// Hostile and garbage versions: every scheme either orders them or throws InvalidVersionError,
// never anything else, and stays linear on very long input (100k characters).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { apkScheme } from './apk.ts'
import { composerScheme } from './composer.ts'
import { debScheme } from './deb.ts'
import { goScheme } from './go.ts'
import { mavenScheme } from './maven.ts'
import { npmScheme } from './npm.ts'
import { nugetScheme } from './nuget.ts'
import { pep440Scheme } from './pep440.ts'
import { pypiScheme } from './pypi.ts'
import { rpmScheme } from './rpm.ts'
import { rubygemsScheme } from './rubygems.ts'
import { InvalidVersionError, type VersionScheme } from './scheme.ts'
import { cargoScheme, semverScheme } from './semver.ts'
import { SeededRandom } from './test-support/seeded-random.ts'

const SCHEMES: readonly VersionScheme[] = [
  apkScheme, debScheme, rpmScheme, semverScheme, cargoScheme, npmScheme, pep440Scheme, pypiScheme,
  goScheme, mavenScheme, rubygemsScheme, nugetScheme, composerScheme,
]
const SEED = 0xbadbad
const N = 100_000

/** Long inputs shaped to hit backtracking regexes, deep nesting and big-number code paths. */
const HUGE: ReadonlyArray<[string, string]> = [
  ['digits', '9'.repeat(N)],
  ['zeros', '1.' + '0'.repeat(N)],
  ['dots', '1' + '.1'.repeat(N / 2)],
  ['dashes', '1' + '-1'.repeat(N / 2)],
  ['letters-digits', '1' + 'a1'.repeat(N / 2)],
  ['dots-no-digits', '.'.repeat(N)],
  ['prerelease', '1.0.0-' + 'a.'.repeat(N / 2) + '!'],
  ['pep440-ish', '1' + '.post1'.repeat(N / 6) + '!'],
  ['tildes', '1' + '~'.repeat(N)],
  ['carets', '1' + '^1'.repeat(N / 2)],
  ['suffixes', '1' + '_p1'.repeat(N / 3)],
  ['whitespace', ' '.repeat(N) + '1.0' + ' '.repeat(N)],
  ['local', '1.0+' + 'a.'.repeat(N / 2) + 'a'],
  ['unicode', '1.' + '\u00e9'.repeat(N)],
]

function outcome(scheme: VersionScheme, a: string, b: string): 'ok' | 'invalid' {
  try {
    const c = scheme.compare(a, b)
    assert.equal(typeof c, 'number')
    assert.ok(!Number.isNaN(c))
    return 'ok'
  } catch (err) {
    if (err instanceof InvalidVersionError) return 'invalid'
    throw new Error(`${scheme.name}: compare(${JSON.stringify(a.slice(0, 40))}, ${JSON.stringify(b.slice(0, 40))}) threw ${String(err)}`)
  }
}

function garbage(rng: SeededRandom): string {
  const alphabet = ['0', '1', '9', '.', '-', '_', '+', '~', '^', ':', '!', 'a', 'Z', 'v', '=', ' ', '\0', '\n', '\u00e9', '\ud83d\ude00', '\ud800', '%', '*', 'rc', 'post', 'dev', 'alpha', 'sp', '-r', 'constructor', '__proto__', 'toString', 'hasOwnProperty']
  let s = ''
  const len = rng.int(0, 12)
  for (let i = 0; i < len; i++) s += rng.pick(alphabet)
  return s
}

describe('bad input', () => {
  it(`random garbage only ever yields InvalidVersionError (seed ${SEED})`, () => {
    const rng = new SeededRandom(SEED)
    const samples = Array.from({ length: 3000 }, () => garbage(rng))
    for (const scheme of SCHEMES) {
      let invalid = 0
      for (let i = 0; i < samples.length; i++) {
        const a = samples[i]!
        const b = samples[(i * 7919) % samples.length]!
        // isValid never throws and agrees with compare.
        const valid = scheme.isValid(a)
        assert.equal(typeof valid, 'boolean')
        const res = outcome(scheme, a, a)
        assert.equal(res === 'ok', valid, `${scheme.name}: isValid(${JSON.stringify(a)}) = ${valid} but compare says ${res}`)
        if (res === 'invalid') invalid++
        outcome(scheme, a, b)
      }
      assert.ok(invalid > 0 || scheme.name === 'apk' || scheme.name === 'rpm' || scheme.name === 'maven' || scheme === pypiScheme,
        `${scheme.name}: the garbage must include versions the scheme rejects`)
    }
  })

  for (const scheme of SCHEMES) {
    it(`${scheme.name}${scheme === pypiScheme ? ' (PyPI)' : ''}: 100k-character versions finish quickly`, () => {
      for (const [label, huge] of HUGE) {
        const start = process.hrtime.bigint()
        outcome(scheme, huge, '1.0')
        outcome(scheme, huge, huge)
        outcome(scheme, huge, huge.slice(0, -1) + '2')
        scheme.isValid(huge)
        const ms = Number(process.hrtime.bigint() - start) / 1e6
        assert.ok(ms < 3000, `${scheme.name}: ${label} took ${ms.toFixed(0)} ms`)
      }
    })
  }

  it('error messages name the scheme and never echo a huge version in full', () => {
    try {
      npmScheme.compare('x'.repeat(N), '1.0.0')
      assert.fail('expected InvalidVersionError')
    } catch (err) {
      assert.ok(err instanceof InvalidVersionError)
      assert.equal(err.scheme, 'npm')
      assert.ok(err.message.length < 500)
    }
  })
})
