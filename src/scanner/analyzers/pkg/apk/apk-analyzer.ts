/** Alpine / Wolfi / Chainguard packages from `lib/apk/db/installed`. */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord, Unknown } from '../../../model/package.ts'
import { osPackagePurl } from '../../os/os-package-purl.ts'
import { parseApkDb } from './parse-apk-db.ts'

const DB_PATH = 'lib/apk/db/installed'
const decoder = new TextDecoder('utf-8', { fatal: false })

export const apkAnalyzer: Analyzer = {
  name: 'apk',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required: (path) => path === DB_PATH,
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const packages: PackageRecord[] = []
    const unknowns: Unknown[] = []
    const location = { path: input.path, diffId: input.diffId, ...(input.layerDigest ? { layerDigest: input.layerDigest } : {}) }
    for (const e of parseApkDb(decoder.decode(input.content))) {
      if (!e.name || !e.version) {
        unknowns.push({ path: input.path, diffId: input.diffId, analyzer: 'apk', reason: `stanza at line ${e.line} has no P: or V: field` })
        continue
      }
      const base: PackageRecord = {
        name: e.name,
        version: e.version,
        type: 'apk',
        purl: '',
        licenses: e.license ? [e.license] : [],
        locations: [location],
        sourceName: e.origin ?? e.name,
        sourceVersion: e.version,
        ...(e.arch ? { arch: e.arch } : {}),
        installedFiles: e.files,
        ...(e.checksum ? { metadata: { checksum: e.checksum } } : {}),
      }
      packages.push({ ...base, purl: osPackagePurl(base, undefined) })
    }
    return { packages, ...(unknowns.length ? { unknowns } : {}) }
  },
}
