/**
 * Debian / Ubuntu packages. Three kinds of file, each analysed on its own:
 *
 * - `var/lib/dpkg/status`: the full database → `packages`, and an OS candidate
 *   `{ distroless: false }`.
 * - `var/lib/dpkg/status.d/<name>` (distroless images: one file per package, `*.md5sums`
 *   ignored) → `packages` and an OS candidate `{ distroless: true }`. Entries without a Status
 *   field count as installed, as distroless writes them that way.
 * - `var/lib/dpkg/info/<name>[:<arch>].list` → `ownedFiles` for package `<name>`. The pipeline
 *   joins them after squashing (see joinOwnedFiles), so a layer that rewrites `status` still
 *   gets the file lists of the layers below.
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord, Unknown } from '../../../model/package.ts'
import { dpkgPackage } from './dpkg-package.ts'
import { parseDeb822 } from './parse-deb822.ts'
import { parseDpkgList } from './parse-dpkg-list.ts'

const STATUS = 'var/lib/dpkg/status'
const STATUS_D = 'var/lib/dpkg/status.d/'
const INFO = 'var/lib/dpkg/info/'
const decoder = new TextDecoder('utf-8', { fatal: false })

function kindOf(path: string): 'status' | 'status.d' | 'list' | undefined {
  if (path === STATUS) return 'status'
  if (path.startsWith(STATUS_D)) {
    const base = path.slice(STATUS_D.length)
    return base !== '' && !base.includes('/') && !base.endsWith('.md5sums') ? 'status.d' : undefined
  }
  if (path.startsWith(INFO) && path.endsWith('.list') && !path.slice(INFO.length).includes('/')) return 'list'
  return undefined
}

export const dpkgAnalyzer: Analyzer = {
  name: 'dpkg',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  required: (path) => kindOf(path) !== undefined,
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const kind = kindOf(input.path)
    if (kind === undefined) return undefined
    const text = decoder.decode(input.content)
    if (kind === 'list') return parseDpkgList(input.path.slice(INFO.length), text)
    const unknowns: Unknown[] = []
    const unknown = (reason: string): void => {
      unknowns.push({ path: input.path, diffId: input.diffId, analyzer: 'dpkg', reason })
    }
    const location = { path: input.path, diffId: input.diffId, ...(input.layerDigest ? { layerDigest: input.layerDigest } : {}) }
    const { paragraphs, badLines } = parseDeb822(text)
    if (badLines.length > 0) unknown(`${badLines.length} malformed line(s), first at line ${badLines[0]}`)
    const packages: PackageRecord[] = []
    for (const p of paragraphs) {
      const r = dpkgPackage(p.fields, location, kind === 'status')
      if (r.kind === 'package') packages.push(r.pkg)
      else if (r.kind === 'bad') unknown(`${r.reason} (line ${p.line})`)
    }
    return {
      packages,
      osCandidate: { source: input.path, distroless: kind === 'status.d' },
      ...(unknowns.length ? { unknowns } : {}),
    }
  },
}
