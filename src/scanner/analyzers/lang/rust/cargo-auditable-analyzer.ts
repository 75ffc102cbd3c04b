/**
 * Rust binaries built with `cargo auditable`: the dependency tree is embedded as zlib-compressed
 * JSON in the ELF section `.dep-v0`:
 * `{"packages":[{"name","version","source":"crates.io"|"local"|..,"kind"?:"build","root"?:true}]}`.
 * The root package (the binary's own crate) is reported too, with metadata `root=true`; build
 * dependencies (`kind: "build"`, not linked in) are kept with metadata `kind=build`.
 * Inflation is bounded; like go-binary, required() takes every executable and analyze() checks
 * the ELF magic.
 */
import { inflateSync } from 'node:zlib'
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord } from '../../../model/package.ts'
import { isElf, parseElf, sectionData } from '../go-binary/read-elf.ts'
import { buildPurl, isRecord, packageAt, parseJson, str, unknownResult } from '../lang-package.ts'

const NAME = 'cargo-auditable'
const MAX_JSON = 16 * 1024 * 1024

export const cargoAuditableAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 256 * 1024 * 1024,
  required(_path, meta) {
    return (meta.mode & 0o111) !== 0 && meta.size >= 1024
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    if (!isElf(input.content)) return undefined
    const elf = parseElf(input.content)
    if (typeof elf === 'string') return undefined // go-binary already reports malformed ELF files.
    const section = sectionData(elf, '.dep-v0')
    if (section === undefined) return undefined
    let json: Uint8Array
    try {
      json = inflateSync(section, { maxOutputLength: MAX_JSON })
    } catch (err) {
      return unknownResult(input, NAME, `.dep-v0: ${(err as Error).message.slice(0, 200)}`)
    }
    const parsed = parseJson(json)
    if (!parsed.ok) return unknownResult(input, NAME, `.dep-v0: ${parsed.error}`)
    const list = isRecord(parsed.value) ? parsed.value['packages'] : undefined
    if (!Array.isArray(list)) return unknownResult(input, NAME, '.dep-v0: no "packages" array')
    const packages: PackageRecord[] = []
    for (const p of list) {
      if (!isRecord(p)) continue
      const name = str(p['name'])
      const version = str(p['version'])
      if (name === undefined || version === undefined) continue
      const metadata: Record<string, string> = { source: str(p['source']) ?? 'unknown' }
      if (p['root'] === true) metadata['root'] = 'true'
      if (p['kind'] === 'build') metadata['kind'] = 'build'
      packages.push(packageAt(input, { name, version, type: 'cargo', purl: buildPurl('cargo', undefined, name, version), metadata }))
    }
    return packages.length > 0 ? { packages } : undefined
  },
}
