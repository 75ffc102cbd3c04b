/**
 * Language packages: the ecosystem follows from the package type, and the name is normalised by
 * the database (PEP 503 for PyPI, so `Jinja2` finds `jinja2`). Maven advisories name
 * `groupId:artifactId`; analyzers that record the artifact alone put the group in
 * `metadata.groupId`.
 */
import type { PackageRecord, PackageType } from '../../model/package.ts'
import type { Matcher } from './matcher.ts'
import { matchOsv } from './match-osv.ts'

export const LANGUAGE_ECOSYSTEMS: Partial<Record<PackageType, string>> = {
  npm: 'npm',
  python: 'PyPI',
  'go-module': 'Go',
  'java-archive': 'Maven',
  gem: 'RubyGems',
  cargo: 'crates.io',
  composer: 'Packagist',
  nuget: 'NuGet',
}

export function advisoryName(pkg: PackageRecord): string {
  if (pkg.type === 'java-archive' && !pkg.name.includes(':')) {
    const group = pkg.metadata?.['groupId']
    if (group !== undefined) return `${group}:${pkg.name}`
  }
  return pkg.name
}

export const languageMatcher: Matcher = {
  name: 'language',
  version: 1,
  packageTypes: ['npm', 'python', 'go-module', 'java-archive', 'gem', 'cargo', 'composer', 'nuget'],
  async match(pkg, ctx) {
    const ecosystem = LANGUAGE_ECOSYSTEMS[pkg.type]
    if (ecosystem === undefined) return []
    return matchOsv(pkg, { ecosystem, name: advisoryName(pkg), version: pkg.version }, ctx)
  },
}
