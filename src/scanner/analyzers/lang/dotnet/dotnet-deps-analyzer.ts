/**
 * .NET: `*.deps.json`, written next to every published app. Its `libraries` map is keyed
 * `Name/Version`; entries of type `package` came from NuGet, while `project` and `reference`
 * entries are the app itself and are skipped (as Trivy does).
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord } from '../../../model/package.ts'
import { buildPurl, isRecord, packageAt, parseJson, unknownResult } from '../lang-package.ts'

const NAME = 'dotnet-deps'

export const dotnetDepsAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 32 * 1024 * 1024,
  required(path) {
    return path.endsWith('.deps.json')
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const parsed = parseJson(input.content)
    if (!parsed.ok) return unknownResult(input, NAME, parsed.error)
    const libraries = isRecord(parsed.value) ? parsed.value['libraries'] : undefined
    if (!isRecord(libraries)) return unknownResult(input, NAME, 'no "libraries" object in deps.json')
    const packages: PackageRecord[] = []
    for (const [key, lib] of Object.entries(libraries)) {
      if (!isRecord(lib) || lib['type'] !== 'package') continue
      const slash = key.indexOf('/')
      const name = key.slice(0, slash)
      const version = key.slice(slash + 1)
      if (slash <= 0 || version === '' || version.includes('/')) continue
      packages.push(packageAt(input, { name, version, type: 'nuget', purl: buildPurl('nuget', undefined, name, version) }))
    }
    return packages.length > 0 ? { packages } : undefined
  },
}
