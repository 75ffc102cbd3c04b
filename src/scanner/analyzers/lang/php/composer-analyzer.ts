/**
 * PHP Composer: `composer.lock` (`packages` and `packages-dev`) and the installed list
 * `vendor/composer/installed.json`, in both shapes: Composer 1 wrote a bare array, Composer 2
 * writes `{ "packages": [...], "dev": bool, "dev-package-names": [...] }`.
 * Dev packages are kept with metadata `dev=true`. Versions are kept as written (`v6.4.0`).
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord } from '../../../model/package.ts'
import { buildPurl, isRecord, packageAt, parseJson, str, uniqueByPurl, unknownResult } from '../lang-package.ts'

const NAME = 'composer'

export const composerAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 32 * 1024 * 1024,
  required(path) {
    return /(?:^|\/)composer\.lock$/.test(path) || /(?:^|\/)vendor\/composer\/installed\.json$/.test(path)
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const parsed = parseJson(input.content)
    if (!parsed.ok) return unknownResult(input, NAME, parsed.error)
    const doc = parsed.value
    const lists: { list: unknown; dev: boolean | Set<string> }[] = []
    if (Array.isArray(doc)) {
      lists.push({ list: doc, dev: false })
    } else if (isRecord(doc) && input.path.endsWith('composer.lock')) {
      lists.push({ list: doc['packages'], dev: false }, { list: doc['packages-dev'], dev: true })
    } else if (isRecord(doc)) {
      const devNames = Array.isArray(doc['dev-package-names']) ? doc['dev-package-names'].filter((n) => typeof n === 'string') : []
      lists.push({ list: doc['packages'], dev: new Set(devNames) })
    } else {
      return unknownResult(input, NAME, 'not a Composer package list')
    }
    const records: PackageRecord[] = []
    for (const { list, dev } of lists) {
      if (list === undefined || list === null) continue
      if (!Array.isArray(list)) return unknownResult(input, NAME, 'package list is not an array')
      for (const pkg of list) {
        const record = isRecord(pkg) ? composerPackage(input, pkg, dev) : undefined
        if (record) records.push(record)
      }
    }
    const packages = uniqueByPurl(records)
    return packages.length > 0 ? { packages } : undefined
  },
}

function composerPackage(input: AnalysisInput, pkg: Record<string, unknown>, dev: boolean | Set<string>): PackageRecord | undefined {
  const name = str(pkg['name'])
  const version = str(pkg['version'])
  // Composer names are always vendor/project.
  if (name === undefined || version === undefined || !/^[^/\s]+\/[^/\s]+$/.test(name)) return undefined
  const [vendor = '', project = ''] = name.split('/')
  const license = pkg['license']
  const licenses = Array.isArray(license) ? license.filter((l): l is string => typeof l === 'string') : str(license) ? [license as string] : []
  const isDev = typeof dev === 'boolean' ? dev : dev.has(name)
  return packageAt(input, {
    name,
    version,
    type: 'composer',
    purl: buildPurl('composer', vendor, project, version),
    licenses,
    metadata: isDev ? { dev: 'true' } : {},
  })
}
