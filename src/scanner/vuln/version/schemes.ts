/**
 * The table from OSV ecosystem names to version schemes. The OSV range evaluator asks here which
 * comparator applies to an advisory's `affected[].package.ecosystem`.
 *
 * OSV ecosystems may carry a release suffix after a colon (`Alpine:v3.19`, `Debian:12`,
 * `Ubuntu:22.04:LTS`, `Red Hat:enterprise_linux:9::appstream`): only the part before the first
 * colon selects the scheme. Names match exactly, as OSV spells them (they are case-sensitive).
 */
import { apkScheme } from './apk.ts'
import { composerScheme } from './composer.ts'
import { debScheme } from './deb.ts'
import { goScheme } from './go.ts'
import { mavenScheme } from './maven.ts'
import { npmScheme } from './npm.ts'
import { nugetScheme } from './nuget.ts'
import { pypiScheme } from './pypi.ts'
import { rpmScheme } from './rpm.ts'
import { rubygemsScheme } from './rubygems.ts'
import type { VersionScheme } from './scheme.ts'
import { cargoScheme } from './semver.ts'

const ECOSYSTEM_SCHEMES: ReadonlyMap<string, VersionScheme> = new Map<string, VersionScheme>([
  // apk
  ['Alpine', apkScheme],
  ['Alpaquita', apkScheme],
  ['Chainguard', apkScheme],
  ['Wolfi', apkScheme],
  // dpkg
  ['Debian', debScheme],
  ['Ubuntu', debScheme],
  // rpm
  ['AlmaLinux', rpmScheme],
  ['Azure Linux', rpmScheme],
  ['Mageia', rpmScheme],
  ['Mariner', rpmScheme],
  ['openEuler', rpmScheme],
  ['openSUSE', rpmScheme],
  ['Photon OS', rpmScheme],
  ['Red Hat', rpmScheme],
  ['Rocky Linux', rpmScheme],
  ['SUSE', rpmScheme],
  // language ecosystems
  ['crates.io', cargoScheme],
  ['Go', goScheme],
  ['Maven', mavenScheme],
  ['npm', npmScheme],
  ['NuGet', nugetScheme],
  ['Packagist', composerScheme],
  ['PyPI', pypiScheme],
  ['RubyGems', rubygemsScheme],
])

/** The scheme for an OSV ecosystem string, or undefined when Drydock has no comparator for it. */
export function schemeForEcosystem(ecosystem: string): VersionScheme | undefined {
  const colon = ecosystem.indexOf(':')
  return ECOSYSTEM_SCHEMES.get(colon === -1 ? ecosystem : ecosystem.slice(0, colon))
}

/** Every ecosystem name in the table (for docs and tests). */
export const KNOWN_ECOSYSTEMS: readonly string[] = [...ECOSYSTEM_SCHEMES.keys()]
