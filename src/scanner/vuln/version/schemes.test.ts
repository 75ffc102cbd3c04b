// The OSV ecosystem -> scheme table.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { KNOWN_ECOSYSTEMS, schemeForEcosystem } from './schemes.ts'

describe('schemeForEcosystem', () => {
  it('maps OSV ecosystems, with and without release suffixes', () => {
    const cases: Array<[string, string | undefined]> = [
      ['Alpine:v3.19', 'apk'], ['Alpine', 'apk'], ['Wolfi', 'apk'], ['Chainguard', 'apk'],
      ['Debian:12', 'deb'], ['Debian', 'deb'], ['Ubuntu:22.04:LTS', 'deb'], ['Ubuntu:Pro:18.04:LTS', 'deb'],
      ['Red Hat:enterprise_linux:9::appstream', 'rpm'], ['Rocky Linux:9', 'rpm'], ['AlmaLinux:9', 'rpm'],
      ['SUSE:Linux Enterprise Server 15 SP5', 'rpm'], ['openSUSE:Leap 15.5', 'rpm'], ['Mariner', 'rpm'],
      ['Azure Linux:3', 'rpm'], ['npm', 'npm'], ['PyPI', 'pep440'], ['Go', 'go'], ['Maven', 'maven'],
      ['RubyGems', 'rubygems'], ['NuGet', 'nuget'], ['crates.io', 'cargo'], ['Packagist', 'composer'],
      // Unknown or misspelled ecosystems get no scheme rather than a guess.
      ['pypi', undefined], ['Hex', undefined], ['', undefined], [':', undefined], ['GIT', undefined],
    ]
    for (const [ecosystem, name] of cases) assert.equal(schemeForEcosystem(ecosystem)?.name, name, ecosystem)
  })

  it('uses the PyPI scheme that also orders legacy versions', () => {
    const pypi = schemeForEcosystem('PyPI')!
    assert.equal(pypi.compare('0.9-doduo', '0.1'), -1)
    assert.equal(pypi.compare('1.0.post1', '1.0'), 1)
  })

  it('every listed ecosystem resolves, with or without a suffix', () => {
    for (const e of KNOWN_ECOSYSTEMS) {
      assert.ok(schemeForEcosystem(e), e)
      assert.equal(schemeForEcosystem(`${e}:1`), schemeForEcosystem(e), e)
    }
  })
})
