/**
 * os-release(5) at `etc/os-release` or `usr/lib/os-release`. In many images one is a symlink to
 * the other; the walker hands over regular files only, so both paths are required and
 * resolveOs() prefers `etc/`.
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../analyzer.ts'
import type { OsCandidate } from '../../model/package.ts'
import { familyFromId, releaseFor, refinesVersion } from './os-family.ts'
import { parseOsRelease } from './parse-os-release.ts'
import { decodeSmallText } from './decode-text.ts'

const PATHS = new Set(['etc/os-release', 'usr/lib/os-release'])

export function osReleaseCandidate(source: string, text: string): OsCandidate | undefined {
  const kv = parseOsRelease(text)
  const family = familyFromId(kv.get('ID'))
  if (family === undefined) return undefined
  const versionId = kv.get('VERSION_ID')
  // VERSION often carries a more precise number than VERSION_ID (Ubuntu `22.04.3 LTS`,
  // Mariner `2.0.20220124`); use it when it refines VERSION_ID.
  const versionNumber = /^\d+(\.\d+)*/.exec(kv.get('VERSION') ?? '')?.[0]
  let version = versionId
  if (versionId !== undefined && versionNumber !== undefined && refinesVersion(versionId, versionNumber)) {
    version = versionNumber
  }
  const codename = kv.get('VERSION_CODENAME') ?? kv.get('UBUNTU_CODENAME')
  const prettyName = kv.get('PRETTY_NAME')
  return {
    source,
    family,
    ...(version !== undefined ? { version } : {}),
    ...(versionId !== undefined ? { release: releaseFor(family, versionId) } : {}),
    ...(codename ? { codename } : {}),
    ...(prettyName ? { prettyName } : {}),
  }
}

export const osReleaseAnalyzer: Analyzer = {
  name: 'os-release',
  version: 1,
  maxFileSize: 64 * 1024,
  required: (path) => PATHS.has(path),
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const text = decodeSmallText(input.content)
    const candidate = osReleaseCandidate(input.path, text)
    return candidate ? { osCandidate: candidate } : undefined
  },
}
