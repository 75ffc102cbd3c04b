// NuGet: table from the NuGet "Package versioning" documentation (SemVer 2 pre-release order,
// four-part versions, case-insensitive labels, normalisation of missing parts and zeros).
import { describe } from 'node:test'
import { nugetScheme } from './nuget.ts'
import { runVersionSchemeSuite } from './test-support/version-scheme-suite.ts'

describe('nuget scheme', () => {
  runVersionSchemeSuite(nugetScheme, {
    ordered: [
      ['0.9'],
      ['1.0.0-2'],
      ['1.0.0-10'],
      ['1.0.0-alpha', '1.0.0-ALPHA', '1.0.0-Alpha+meta'],
      ['1.0.0-alpha.1'],
      ['1.0.0-alpha.beta'],
      ['1.0.0-beta'],
      ['1.0.0-beta.2'],
      ['1.0.0-beta.11'],
      ['1.0.0-rc.1'],
      ['1.0.0', '1.0', '1', '1.0.0.0', '01.0.0', '1.0.0+build.5'],
      ['1.0.0.1-beta'],
      ['1.0.0.1'],
      ['1.0.1'],
      ['1.1'],
      ['2147483647.0.0'],
    ],
    invalid: ['', 'a', '1.0.0-', '1.0.0.0.0', '2147483648.0.0', '1.0.0+', 'v1.0.0', '1..0', '1.0.0-beta..1', '1.0.0-β', '1.0.0-beta_1'],
  })
})
