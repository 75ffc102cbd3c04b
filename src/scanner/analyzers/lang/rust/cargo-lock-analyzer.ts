/**
 * Rust `Cargo.lock`. Only the TOML subset Cargo writes is read: `[[package]]` tables with
 * `name = "..."`, `version = "..."`, `source = "..."` string keys (other keys and tables are
 * ignored). Packages without `source` are workspace members or path dependencies: they are
 * kept, with metadata `source=local`, because Trivy reports them too.
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord } from '../../../model/package.ts'
import { buildPurl, decodeText, packageAt, uniqueByPurl, unknownResult } from '../lang-package.ts'

const NAME = 'cargo-lock'

export const cargoLockAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 16 * 1024 * 1024,
  required(path) {
    return /(?:^|\/)Cargo\.lock$/.test(path)
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const tables = parseCargoLock(decodeText(input.content))
    if (tables === undefined) return unknownResult(input, NAME, 'no [[package]] tables in Cargo.lock')
    const records: PackageRecord[] = []
    for (const t of tables) {
      const name = t.get('name')
      const version = t.get('version')
      if (!name || !version) continue
      records.push(cargoPackage(input, name, version, t.get('source')))
    }
    const packages = uniqueByPurl(records)
    return packages.length > 0 ? { packages } : undefined
  },
}

export function cargoPackage(input: AnalysisInput, name: string, version: string, source: string | undefined): PackageRecord {
  return packageAt(input, {
    name,
    version,
    type: 'cargo',
    purl: buildPurl('cargo', undefined, name, version),
    metadata: { source: source ?? 'local' },
  })
}

/** The `[[package]]` tables as key → string value maps; undefined when there are none. */
export function parseCargoLock(text: string): Map<string, string>[] | undefined {
  const tables: Map<string, string>[] = []
  let current: Map<string, string> | undefined
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line.startsWith('[')) {
      current = line === '[[package]]' ? new Map() : undefined
      if (current) tables.push(current)
      continue
    }
    const m = /^([A-Za-z0-9_-]+)\s*=\s*"((?:[^"\\]|\\.){0,1000})"\s*(?:#.*)?$/.exec(line)
    if (current && m?.[1] !== undefined && m[2] !== undefined) current.set(m[1], m[2].replace(/\\(.)/g, '$1'))
  }
  return tables.length > 0 ? tables : undefined
}
