/**
 * Installed Ruby gems: `specifications/<name>-<version>.gemspec`, the Ruby source RubyGems
 * writes at install time. The file is code and is never evaluated: the `name`, `version` and
 * `license(s)` assignments are read with patterns, accepting only literal strings
 * (`"x"`, `'x'`, `"x".freeze`, `["a".freeze, "b"]`). Anything else (computed values) is skipped.
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import { buildPurl, decodeText, packageAt, unknownResult } from '../lang-package.ts'

const NAME = 'gemspec'
const LITERAL = String.raw`(?:"([^"\\\n]{1,200})"|'([^'\\\n]{1,200})')(?:\.freeze)?`

export const gemspecAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 1024 * 1024,
  required(path) {
    return /(?:^|\/)specifications\/[^/]+\.gemspec$/.test(path)
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const text = decodeText(input.content)
    const name = assigned(text, 'name')
    // RubyGems writes `s.version = "1.2.3"`; older specs `Gem::Version.new("1.2.3")`.
    const version = assigned(text, 'version') ?? new RegExp(String.raw`^\s*\w+\.version\s*=\s*Gem::Version\.new\(${LITERAL}\)`, 'm').exec(text)?.slice(1).find(Boolean)
    if (name === undefined || version === undefined) return unknownResult(input, NAME, 'no literal name/version in gemspec')
    return {
      packages: [packageAt(input, { name, version, type: 'gem', purl: buildPurl('gem', undefined, name, version), licenses: licenses(text) })],
    }
  },
}

/** `<var>.<field> = "literal"` at the start of a line. */
function assigned(text: string, field: string): string | undefined {
  const m = new RegExp(String.raw`^\s*\w+\.${field}\s*=\s*${LITERAL}\s*$`, 'm').exec(text)
  return m?.slice(1).find(Boolean)
}

function licenses(text: string): string[] {
  const single = assigned(text, 'license')
  if (single !== undefined) return [single]
  const list = /^\s*\w+\.licenses\s*=\s*\[([^\]\n]{0,2000})\]/m.exec(text)?.[1]
  if (list === undefined) return []
  return [...list.matchAll(new RegExp(LITERAL, 'g'))].map((m) => m[1] ?? m[2] ?? '').filter(Boolean)
}
