// Go module versions: table from the Go modules reference (versions, pseudo-versions,
// +incompatible) and golang.org/x/mod/semver's documented behaviour.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { goScheme, isPseudoVersion } from './go.ts'
import { runVersionSchemeSuite } from './test-support/version-scheme-suite.ts'

describe('go scheme', () => {
  runVersionSchemeSuite(goScheme, {
    ordered: [
      ['v0.0.0-20191109021931-daa7c04131f5', '0.0.0-20191109021931-daa7c04131f5'],
      ['v0.0.0-20191109021932-000000000000'],
      ['v0.0.0'],
      ['v0.1.0-alpha'],
      ['v0.1.0'],
      ['v1.0.0-alpha'],
      ['v1.0.0-alpha.1'],
      ['v1.0.0-alpha.beta'],
      ['v1.0.0-beta'],
      ['v1.0.0-beta.2'],
      ['v1.0.0-beta.11'],
      ['v1.0.0-rc.1'],
      ['v1', 'v1.0', 'v1.0.0', '1.0.0', 'v1.0.0+meta'],
      ['v1.2.3'],
      // A pseudo-version based on v1.2.3 sorts after it and before v1.2.4.
      ['v1.2.4-0.20191109021931-daa7c04131f5'],
      ['v1.2.4'],
      ['v2.0.0', 'v2.0.0+incompatible', '2.0.0+incompatible'],
      ['v2.1.0-pre+incompatible'],
      ['v10.0.0'],
      ['v100000000000000000000.0.0'],
    ],
    invalid: ['', 'v', 'v1.', 'v01.0.0', 'v1.00.0', 'v1.0.0-', 'v1.0.0-01', 'v1-pre', 'v1.2+meta', '1.0.0.0', 'vv1.0.0', 'v1.0.0+', 'V1.0.0', 'v1.0.0-α', ' v1.0.0'],
  })

  it('recognises pseudo-versions', () => {
    assert.ok(isPseudoVersion('v0.0.0-20191109021931-daa7c04131f5'))
    assert.ok(isPseudoVersion('v1.2.4-0.20191109021931-daa7c04131f5'))
    assert.ok(isPseudoVersion('v1.2.4-pre.0.20191109021931-daa7c04131f5+incompatible'))
    assert.ok(!isPseudoVersion('v1.2.4'))
    assert.ok(!isPseudoVersion('v1.2.4-rc.1'))
  })
})
