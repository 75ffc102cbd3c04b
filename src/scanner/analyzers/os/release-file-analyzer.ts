/**
 * The distribution-specific release files (alpine-release, debian_version, redhat-release,
 * centos-release, system-release, lsb-release, SuSE-release). Each gives a partial candidate;
 * resolveOs() decides between them and os-release.
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../analyzer.ts'
import type { OsCandidate } from '../../model/package.ts'
import { decodeSmallText } from './decode-text.ts'
import {
  parseAlpineRelease,
  parseDebianVersion,
  parseLsbRelease,
  parseRedhatRelease,
  parseSuseRelease,
} from './parse-release-files.ts'

type Parser = (source: string, text: string) => OsCandidate | undefined

const PARSERS: ReadonlyMap<string, Parser> = new Map([
  ['etc/alpine-release', parseAlpineRelease],
  ['etc/debian_version', parseDebianVersion],
  ['etc/redhat-release', parseRedhatRelease],
  ['etc/centos-release', parseRedhatRelease],
  ['etc/system-release', parseRedhatRelease],
  ['etc/lsb-release', parseLsbRelease],
  ['etc/SuSE-release', parseSuseRelease],
])

export const releaseFileAnalyzer: Analyzer = {
  name: 'release-file',
  version: 1,
  maxFileSize: 64 * 1024,
  required: (path) => PARSERS.has(path),
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const parse = PARSERS.get(input.path)
    const candidate = parse?.(input.path, decodeSmallText(input.content))
    return candidate ? { osCandidate: candidate } : undefined
  },
}
