// Every comparator against the shared ordering vectors (../shared/testdata/vulndb/version-compare,
// from google/osv-scalibr; the *-generated.txt files were produced with the native tools).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { apkScheme, isStrictApkVersion } from './apk.ts'
import { debScheme } from './deb.ts'
import { mavenScheme } from './maven.ts'
import { pep440Scheme } from './pep440.ts'
import { pypiScheme } from './pypi.ts'
import { rpmScheme } from './rpm.ts'
import type { VersionScheme } from './scheme.ts'
import { semverScheme } from './semver.ts'
import { opOf, readVectors } from './test-support/read-vectors.ts'

/**
 * Hand-written vectors where the file records a different tool version than the one Drydock
 * follows. Each entry states the result Drydock gives and why; the test asserts that result.
 */
const DOCUMENTED_DIFFERENCES: Readonly<Record<string, Readonly<Record<string, { op: '<' | '=' | '>'; why: string }>>>> = {
  'alpine-versions.txt': Object.fromEntries(
    [
      ['1-r-0 < 1-r0', '>', 'malformed'],
      ['1-r-1 < 1-r0', '>', 'malformed'],
      ['1.2.0A < 1.2.0d', '>', 'malformed'],
      ['1.2.0D < 1.2.0d', '>', 'malformed'],
      ['1 > 1-ruff', '<', 'malformed'],
      ['1-ruff2 = 1--ruff1', '<', 'malformed'],
      ['0.r1 < 0r2', '>', 'dot-letter'],
      ['0.8.21.r2 < 0.8.21r2', '>', 'dot-letter'],
    ].map(([line, op, kind]) => [
      line!,
      {
        op: op as '<' | '>',
        why:
          kind === 'malformed'
            ? 'malformed versions: the file records apk-tools 3 and itself notes that apk-tools 2 ' +
              '(the apk of Alpine 3.x, which produced alpine-versions-generated.txt) orders them the other way'
            : 'a dot followed by a letter: apk-tools 2 reads an empty number there and then the letter ' +
              '(0.r1 = 0.0r1 > 0r2), apk-tools 3 rejects the dot; the file records apk-tools 3',
      },
    ]),
  ),
  'maven-versions.txt': {
    '1-1 = 1-ga-1': {
      op: '>',
      why:
        'the Maven POM reference lists this equality, but ComparableVersion keeps the sub-list ' +
        '(1-ga-1 is [1, [[1]]]) and orders it below 1-1; Drydock follows ComparableVersion',
    },
  },
}

const FILES: ReadonlyArray<[string, VersionScheme]> = [
  ['alpine-versions.txt', apkScheme],
  ['alpine-versions-generated.txt', apkScheme],
  ['debian-versions.txt', debScheme],
  ['debian-versions-generated.txt', debScheme],
  ['redhat-versions.txt', rpmScheme],
  ['maven-versions.txt', mavenScheme],
  ['maven-versions-generated.txt', mavenScheme],
  ['pypi-versions.txt', pypiScheme],
  ['pypi-versions-generated.txt', pypiScheme],
  ['semver-versions.txt', semverScheme],
]

describe('shared version vectors', () => {
  for (const [file, scheme] of FILES) {
    it(`${scheme.name}: ${file}`, () => {
      const vectors = readVectors(file)
      assert.ok(vectors.length > 0, `${file} has no vectors`)
      const differences = DOCUMENTED_DIFFERENCES[file] ?? {}
      const disagreements: string[] = []
      let documented = 0
      for (const v of vectors) {
        const text = `${v.a} ${v.op} ${v.b}`
        const expected = differences[text]?.op ?? v.op
        if (differences[text]) documented++
        const forward = opOf(scheme.compare(v.a, v.b))
        const backward = opOf(scheme.compare(v.b, v.a))
        const mirrored = expected === '<' ? '>' : expected === '>' ? '<' : '='
        if (forward !== expected || backward !== mirrored) {
          disagreements.push(`${file}:${v.line}: ${text}, got ${forward} (reverse ${backward})`)
        }
      }
      assert.deepEqual(disagreements, [])
      // Every documented difference must still be in the file (no stale exceptions).
      assert.equal(documented, Object.keys(differences).length)
    })
  }

  it('apk: the malformed versions among the documented differences are rejected by the grammar', () => {
    for (const [line, d] of Object.entries(DOCUMENTED_DIFFERENCES['alpine-versions.txt']!)) {
      if (!d.why.startsWith('malformed')) continue
      const [a, , b] = line.split(' ')
      assert.ok(!isStrictApkVersion(a!) || !isStrictApkVersion(b!), line)
    }
    assert.ok(isStrictApkVersion('1.2.3_rc1-r0') && isStrictApkVersion('6.6.2_p1-r3'))
  })

  it('pep440: legacy versions in the PyPI vectors are exactly the ones strict PEP 440 rejects', () => {
    const invalid = new Set<string>()
    for (const file of ['pypi-versions.txt', 'pypi-versions-generated.txt']) {
      for (const v of readVectors(file)) {
        for (const s of [v.a, v.b]) if (!pep440Scheme.isValid(s)) invalid.add(s)
      }
    }
    // Legacy spellings only: free-form words, dates with colons, `p1` patches, `-git` suffixes.
    for (const s of invalid) assert.throws(() => pep440Scheme.compare(s, '1.0'), { name: 'InvalidVersionError' })
    assert.ok(invalid.has('0.1-bulbasaur') && invalid.has('2013-01-21T20:33:09+0100'))
    assert.ok(!invalid.has('1.0.0+local.0.1') && !invalid.has('1!1.0'))
  })
})
