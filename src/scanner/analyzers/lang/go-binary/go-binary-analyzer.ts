/**
 * Go executables: the modules compiled in, read from the build info the Go linker embeds
 * (`go version -m`). Reported, as Trivy does:
 * - the main module (metadata `main=true`; a `(devel)` version, meaning "built from a
 *   checkout", becomes an empty version),
 * - every `dep`, with its `h1:` sum as metadata. A replacement by another module (`=> path
 *   version`) reports the replacement, which is the code actually compiled in; a replacement by
 *   a local directory (`=> ../lib`) keeps the required path and version and records the
 *   directory as metadata `replacedBy`,
 * - `stdlib` at the Go version (`go1.22.1` → `v1.22.1`), since the standard library has advisories too.
 *
 * required() sees only path and metadata, so it takes every executable regular file of a
 * plausible size; analyze() then checks the ELF magic and returns nothing for anything else.
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord } from '../../../model/package.ts'
import { buildPurl, packageAt, unknownResult } from '../lang-package.ts'
import { parseGoBinaryInfo } from './go-binary-info.ts'

const NAME = 'go-binary'
const MIN_SIZE = 1024

export const goBinaryAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 256 * 1024 * 1024,
  required(_path, meta) {
    return (meta.mode & 0o111) !== 0 && meta.size >= MIN_SIZE
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const info = parseGoBinaryInfo(input.content)
    if (info === undefined) return undefined
    if (typeof info === 'string') return unknownResult(input, NAME, info)
    const goVersion = info.goVersion
    const record = (path: string, version: string, metadata: Record<string, string>): PackageRecord =>
      packageAt(input, { name: path, version, type: 'go-module', purl: goPurl(path, version), metadata: { ...metadata, goVersion } })
    const packages: PackageRecord[] = []
    const main = info.mod.main
    if (main !== undefined && main.path !== '') {
      const version = main.version === '(devel)' ? '' : main.version
      const vcs = info.mod.settings.get('vcs.revision')
      packages.push(record(main.path, version, vcs ? { main: 'true', vcsRevision: vcs } : { main: 'true' }))
    }
    for (const dep of info.mod.deps) {
      if (dep.path === '') continue
      const meta: Record<string, string> = {}
      let { path, version } = dep
      let sum = dep.sum
      if (dep.replace !== undefined) {
        if (/^(?:\.|\/)/.test(dep.replace.path)) {
          meta['replacedBy'] = dep.replace.path
        } else {
          meta['replaces'] = `${dep.path}@${dep.version}`
          ;({ path, version } = dep.replace)
          sum = dep.replace.sum
        }
      }
      if (sum !== undefined) meta['h1'] = sum
      packages.push(record(path, version, meta))
    }
    const std = /^go(\d+\.\d+(?:\.\d+)?)/.exec(goVersion)?.[1]
    if (std !== undefined) packages.push(record('stdlib', `v${std}`, {}))
    return packages.length > 0 ? { packages } : undefined
  },
}

/** `pkg:golang/github.com/x/y@v1.2.3`: every path segment but the last is namespace. */
export function goPurl(path: string, version: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0
    ? buildPurl('golang', undefined, path, version)
    : buildPurl('golang', path.slice(0, slash), path.slice(slash + 1), version)
}
