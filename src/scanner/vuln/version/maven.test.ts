// Maven: table from the POM reference's "Version Order Specification" (qualifier order, aliases,
// a/b/m shorthands, trailing null trimming, `-` sub-lists), as ComparableVersion implements it.
import { describe } from 'node:test'
import { mavenScheme } from './maven.ts'
import { runVersionSchemeSuite } from './test-support/version-scheme-suite.ts'

describe('maven scheme', () => {
  runVersionSchemeSuite(mavenScheme, {
    ordered: [
      ['0.9'],
      ['1-alpha-1', '1a1', '1.0-ALPHA-1'],
      ['1-alpha-2'],
      ['1-beta-1', '1b1'],
      ['1-milestone-1', '1m1'],
      ['1-rc-1', '1-cr-1', '1RC1'],
      ['1-snapshot', '1-SNAPSHOT'],
      ['1', '1.0', '1.0.0', '1-ga', '1.final', '1-release', '1-0', '1.'],
      ['1-sp', '1-sp-0'],
      ['1-abc'],
      ['1-xyz'],
      ['1-1'],
      ['1.0.1'],
      ['1.1'],
      ['2'],
      ['12345678901234567890'],
    ],
    invalid: [''],
  })
})
