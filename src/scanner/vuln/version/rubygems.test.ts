// RubyGems: table from the Gem::Version documentation (segments, prerelease letters, `-` as
// `.pre.`, trailing zeros) and its <=> rules.
import { describe } from 'node:test'
import { rubygemsScheme } from './rubygems.ts'
import { runVersionSchemeSuite } from './test-support/version-scheme-suite.ts'

describe('rubygems scheme', () => {
  runVersionSchemeSuite(rubygemsScheme, {
    ordered: [
      ['0.9'],
      // Strings compare byte-wise: upper case first.
      ['1.0.A', '1.A'],
      ['1.a', '1.0.a', '1.a.0'],
      ['1.0.a.2'],
      ['1.0.b1'],
      // `-` means `.pre.`: 1.0-rc1 is 1.0.pre.rc1.
      ['1.0-rc1', '1.0.pre.rc1'],
      ['1.0.rc1'],
      ['1', '1.0', '1.0.0', ' 1.0 ', '01.00'],
      ['1.0.1'],
      ['1.1.a'],
      ['1.1'],
      ['1.10'],
      ['2'],
      ['100000000000000000000000'],
    ],
    invalid: ['', ' ', 'a', '1.', '.1', '1..2', '1a', 'v1.0', '1.0-', '1.0+build', '1,0', '-1', '1.0_1'],
  })
})
