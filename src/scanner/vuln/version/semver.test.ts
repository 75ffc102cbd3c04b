// SemVer 2.0.0: the precedence examples of semver.org section 11, strict for crates.io and
// tolerant for OSV SEMVER ranges.
import { describe } from 'node:test'
import { cargoScheme, semverScheme } from './semver.ts'
import { runVersionSchemeSuite } from './test-support/version-scheme-suite.ts'

const SPEC_ORDER = [
  ['1.0.0-alpha'],
  ['1.0.0-alpha.1'],
  ['1.0.0-alpha.beta'],
  ['1.0.0-beta'],
  ['1.0.0-beta.2'],
  ['1.0.0-beta.11'],
  ['1.0.0-rc.1'],
  ['1.0.0', '1.0.0+20130313144700'],
  ['1.0.1-0'],
  ['1.0.1'],
  ['2.0.0'],
  ['2.1.0'],
  ['2.1.1'],
  ['18446744073709551616.0.0'],
]

describe('cargo (strict SemVer) scheme', () => {
  runVersionSchemeSuite(cargoScheme, {
    ordered: SPEC_ORDER,
    invalid: ['', '1', '1.0', 'v1.0.0', '01.0.0', '1.0.0-', '1.0.0-01', '1.0.0+', '1.0.0.0', '1.0.0-a..b', ' 1.0.0'],
  })
})

describe('semver (OSV tolerant) scheme', () => {
  runVersionSchemeSuite(semverScheme, {
    ordered: [
      ['0.9', 'v0.9.0'],
      ...SPEC_ORDER.slice(0, 7),
      ['1.0.0', '1', 'v1.0', '1.0.0.0', '1.0.0+build'],
      ...SPEC_ORDER.slice(8),
    ],
    invalid: ['', 'v', '1.', '1.0.0-', '1.0.0+', 'x1.0.0', '1.0.0-a..b', '1.0.0 '],
  })
})
