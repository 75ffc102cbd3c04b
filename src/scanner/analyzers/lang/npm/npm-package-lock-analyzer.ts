/**
 * npm lockfiles: `package-lock.json` and `npm-shrinkwrap.json`, lockfileVersion 1, 2 and 3.
 *
 * v2/v3 list every installed copy under `packages`, keyed by its path (`node_modules/a`,
 * `node_modules/a/node_modules/b`); v1 nests `dependencies` objects instead. v2 has both: we
 * read `packages` when present. The root entry (`""`), workspace links (`link: true`) and
 * workspace sources (keys outside `node_modules`) are the project, not dependencies.
 * `dev: true` is kept as metadata `dev=true` so that callers can hide dev-only packages.
 *
 * A lockfile declares what would be installed; for images, the installed-package analyzer
 * (npm-package-json) is what Trivy and Syft report, so the builtin list for image scans may
 * leave this one out (it is meant for filesystem and repository scans).
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord } from '../../../model/package.ts'
import { isRecord, packageAt, parseJson, str, uniqueByPurl, unknownResult } from '../lang-package.ts'
import { isNpmName, npmLicenses, npmPurl } from './npm-purl.ts'

const NAME = 'npm-package-lock'
/** v1 nesting deeper than this is hostile: real trees are far shallower. */
const MAX_DEPTH = 64

export const npmPackageLockAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required(path) {
    return (
      /(?:^|\/)(?:package-lock|npm-shrinkwrap)\.json$/.test(path) && !/(?:^|\/)node_modules\//.test(path)
    )
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const parsed = parseJson(input.content)
    if (!parsed.ok) return unknownResult(input, NAME, parsed.error)
    const lock = parsed.value
    if (!isRecord(lock)) return unknownResult(input, NAME, 'lockfile is not a JSON object')
    const records: PackageRecord[] = []
    if (isRecord(lock['packages'])) {
      readPackages(input, lock['packages'], records)
    } else if (isRecord(lock['dependencies'])) {
      readDependencies(input, lock['dependencies'], records, 0)
    } else {
      return unknownResult(input, NAME, 'lockfile has neither "packages" nor "dependencies"')
    }
    const packages = uniqueByPurl(records)
    return packages.length > 0 ? { packages } : undefined
  },
}

/** v2/v3 `packages`: the name is the path after the last `node_modules/` unless `name` says otherwise (aliases). */
function readPackages(input: AnalysisInput, entries: Record<string, unknown>, out: PackageRecord[]): void {
  for (const [key, entry] of Object.entries(entries)) {
    if (!isRecord(entry) || entry['link'] === true) continue
    const at = key.lastIndexOf('node_modules/')
    if (at < 0) continue
    const name = str(entry['name']) ?? key.slice(at + 'node_modules/'.length)
    const version = str(entry['version'])
    if (version === undefined || !isNpmName(name)) continue
    out.push(lockRecord(input, name, version, entry))
  }
}

/** v1 `dependencies`: `{ name: { version, dev, dependencies: {...} } }`, nested for conflicting copies. */
function readDependencies(input: AnalysisInput, deps: Record<string, unknown>, out: PackageRecord[], depth: number): void {
  if (depth > MAX_DEPTH) return
  for (const [name, entry] of Object.entries(deps)) {
    if (!isRecord(entry)) continue
    const version = str(entry['version'])
    // Aliases (`npm:real@1.0.0`), git and file references carry no registry version of this name.
    if (version !== undefined && isNpmName(name) && /^\d/.test(version)) out.push(lockRecord(input, name, version, entry))
    const nested = entry['dependencies']
    if (isRecord(nested)) readDependencies(input, nested, out, depth + 1)
  }
}

function lockRecord(input: AnalysisInput, name: string, version: string, entry: Record<string, unknown>): PackageRecord {
  const metadata: Record<string, string> = {}
  if (entry['dev'] === true) metadata['dev'] = 'true'
  if (entry['optional'] === true) metadata['optional'] = 'true'
  const resolved = str(entry['resolved'])
  if (resolved !== undefined) metadata['resolved'] = resolved
  const integrity = str(entry['integrity'])
  if (integrity !== undefined) metadata['integrity'] = integrity
  return packageAt(input, { name, version, type: 'npm', purl: npmPurl(name, version), licenses: npmLicenses(entry), metadata })
}
