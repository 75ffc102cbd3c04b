/**
 * `pnpm-lock.yaml`. The `packages` keys changed shape across lockfile versions:
 * - 5.x: `/name/1.2.3` and `/@scope/name/1.2.3_peer@1.0.0` (peer suffix after '_')
 * - 6.x: `/name@1.2.3` and `/@scope/name@1.2.3(peer@1.0.0)`
 * - 9.x: `name@1.2.3` (peers only in the separate `snapshots` section)
 * Entries installed from tarballs or git carry explicit `name` and `version` fields, which win.
 * 5.x/6.x mark dev-only packages with `dev: true`, kept as metadata; 9.x no longer does.
 */
import { parse as parseYaml } from 'yaml'
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord } from '../../../model/package.ts'
import { decodeText, isRecord, packageAt, str, uniqueByPurl, unknownResult } from '../lang-package.ts'
import { isNpmName, npmPurl } from './npm-purl.ts'

const NAME = 'pnpm-lock'

export const pnpmLockAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required(path) {
    return /(?:^|\/)pnpm-lock\.yaml$/.test(path) && !/(?:^|\/)node_modules\//.test(path)
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    let doc: unknown
    try {
      doc = parseYaml(decodeText(input.content), { maxAliasCount: 100, logLevel: 'error' })
    } catch (err) {
      return unknownResult(input, NAME, `invalid YAML: ${(err as Error).message.slice(0, 200)}`)
    }
    if (!isRecord(doc)) return unknownResult(input, NAME, 'pnpm-lock.yaml is not a YAML mapping')
    const lockVersion = Number.parseFloat(String(doc['lockfileVersion'] ?? ''))
    if (!Number.isFinite(lockVersion)) return unknownResult(input, NAME, 'no lockfileVersion')
    const packages = doc['packages']
    if (packages === undefined || packages === null) return undefined
    if (!isRecord(packages)) return unknownResult(input, NAME, '"packages" is not a mapping')
    const records: PackageRecord[] = []
    for (const [key, entry] of Object.entries(packages)) {
      const fields = isRecord(entry) ? entry : {}
      const parsed = parsePnpmKey(key, lockVersion < 6)
      const name = str(fields['name']) ?? parsed?.name
      const version = str(fields['version']) ?? parsed?.version
      if (name === undefined || version === undefined || !isNpmName(name)) continue
      const metadata: Record<string, string> = fields['dev'] === true ? { dev: 'true' } : {}
      records.push(packageAt(input, { name, version, type: 'npm', purl: npmPurl(name, version), metadata }))
    }
    const out = uniqueByPurl(records)
    return out.length > 0 ? { packages: out } : undefined
  },
}

/** Splits a `packages` key into name and version; undefined for keys that are not registry packages. */
export function parsePnpmKey(key: string, v5: boolean): { name: string; version: string } | undefined {
  const k = key.startsWith('/') ? key.slice(1) : key
  if (v5) {
    const parts = k.split('/')
    const scoped = parts[0]?.startsWith('@') === true
    const name = scoped ? `${parts[0]}/${parts[1]}` : parts[0]
    const version = parts[scoped ? 2 : 1]?.split('_')[0]
    return name !== undefined && version !== undefined && /^\d/.test(version) ? { name, version } : undefined
  }
  const bare = k.replace(/\(.*$/, '')
  const at = bare.lastIndexOf('@')
  if (at <= 0) return undefined
  const version = bare.slice(at + 1)
  return /^\d/.test(version) ? { name: bare.slice(0, at), version } : undefined
}
