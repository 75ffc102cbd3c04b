/**
 * `yarn.lock`, both formats:
 * - classic (yarn v1): a line format of its own. Each block starts with an unindented list of
 *   specifiers (`"lodash@^4.17.0", lodash@^4.17.21:`) followed by indented `version "4.17.21"`.
 * - berry (yarn v2+): YAML with a `__metadata` block; each entry has `resolution: "name@npm:1.2.3"`.
 *   Workspace/portal/link entries (`linkType: soft`) are the project itself and are skipped, as
 *   are `@patch:` entries (yarn's patched copy of a package already listed).
 * npm aliases (`alias@npm:real@^1`) are reported under the real name.
 */
import { parse as parseYaml } from 'yaml'
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import { decodeText, isRecord, packageAt, str, uniqueByPurl, unknownResult } from '../lang-package.ts'
import { isNpmName, npmPurl } from './npm-purl.ts'

const NAME = 'yarn-lock'

export const yarnLockAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required(path) {
    return /(?:^|\/)yarn\.lock$/.test(path) && !/(?:^|\/)node_modules\//.test(path)
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const text = decodeText(input.content)
    const found = /^__metadata:/m.test(text) ? parseBerry(text) : parseClassic(text)
    if (typeof found === 'string') return unknownResult(input, NAME, found)
    const packages = uniqueByPurl(
      found.map(({ name, version }) => packageAt(input, { name, version, type: 'npm', purl: npmPurl(name, version) })),
    )
    return packages.length > 0 ? { packages } : undefined
  },
}

interface Found {
  readonly name: string
  readonly version: string
}

/** `name@range` (name may start with '@'): the name, following an `npm:` alias to the real package. */
export function nameOfSpecifier(spec: string): string | undefined {
  const at = spec.indexOf('@', 1)
  if (at < 0) return undefined
  const range = spec.slice(at + 1)
  if (range.startsWith('npm:')) {
    const real = range.slice(4)
    const realAt = real.indexOf('@', 1)
    if (realAt > 0) return real.slice(0, realAt)
    if (!/^[\d^~<>=*]/.test(real)) return real
  }
  if (/^(?:file|link|portal|workspace|patch):/.test(range)) return undefined
  return spec.slice(0, at)
}

function parseClassic(text: string): Found[] | string {
  const out: Found[] = []
  let name: string | undefined
  const lines = text.split(/\r?\n/)
  if (!lines.some((l) => /^\s+version:? /.test(l)) && lines.some((l) => l.trim() !== '' && !l.startsWith('#'))) {
    return 'not a yarn.lock: no version lines'
  }
  for (const line of lines) {
    if (line === '' || line.startsWith('#')) continue
    if (!/^\s/.test(line)) {
      const first = line.replace(/:$/, '').split(',')[0]?.trim().replace(/^"|"$/g, '')
      name = first === undefined ? undefined : nameOfSpecifier(first)
      continue
    }
    const m = /^ {2}version "?([^"\s]+)"?$/.exec(line)
    if (m?.[1] !== undefined && name !== undefined && isNpmName(name)) {
      out.push({ name, version: m[1] })
      name = undefined
    }
  }
  return out
}

function parseBerry(text: string): Found[] | string {
  let doc: unknown
  try {
    doc = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false, logLevel: 'error' })
  } catch (err) {
    return `invalid YAML: ${(err as Error).message.slice(0, 200)}`
  }
  if (!isRecord(doc)) return 'yarn.lock is not a YAML mapping'
  const out: Found[] = []
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(entry) || entry['linkType'] === 'soft') continue
    const resolution = str(entry['resolution'])
    const version = str(entry['version'])
    if (resolution === undefined || version === undefined || resolution.includes('@patch:')) continue
    const at = resolution.indexOf('@', 1)
    const name = at > 0 ? resolution.slice(0, at) : undefined
    if (name !== undefined && isNpmName(name)) out.push({ name, version })
  }
  return out
}
