/**
 * The applier: merges per-layer analyses into one inventory (trivy's applier, in our terms).
 *
 * - Results count only for files present in the final view from the same layer: a package DB
 *   that layer 2 rewrites or deletes drops layer 1's packages.
 * - OS: analyzers report OS candidates per file; the surviving ones are merged by resolveOs()
 *   (the os analyzers' single place for precedence). A complete `os` result from an analyzer is
 *   used only when there are no candidates: the topmost wins, refined by same-family results.
 * - Owned-file lists reported apart from their packages (dpkg `*.list`) are joined to the
 *   surviving packages with joinOwnedFiles(), so a layer that rewrites `status` keeps the file
 *   lists of the layers below.
 * - Packages are de-duplicated by type, name, version and arch; locations are merged and get the
 *   layer's blob digest (not cached: it depends on compression, the diff_id does not).
 * - Ownership, as Trivy does: a language package (python, npm, gem, ...) whose metadata file is
 *   listed in an OS package's installedFiles was installed by the OS package manager (Debian's
 *   python3-jinja2 owns usr/lib/python3/dist-packages/Jinja2-3.1.2.egg-info) and is reported
 *   only once, as the OS package; the matchers use OS advisories for it. The check is on exact
 *   paths, so pip-installed packages in the same dist-packages directory stay.
 */
import type { Digest } from '../../oci/digest.ts'
import { withOsPurl } from '../analyzers/os/os-package-purl.ts'
import { resolveOs } from '../analyzers/os/resolve-os.ts'
import { joinOwnedFiles } from '../analyzers/pkg/dpkg/parse-dpkg-list.ts'
import type { Location, OsCandidate, OsInfo, OwnedFiles, PackageRecord, PackageType, Unknown } from '../model/package.ts'
import { FileView } from './file-view.ts'
import type { LayerAnalysis, LayerFile } from './layer-analysis.ts'

export interface AppliedLayer {
  readonly analysis: LayerAnalysis
  /** The blob digest in this image (differs between images that compress the same diff_id differently). */
  readonly digest?: Digest
}

export interface LayerFileSummary extends LayerFile {
  /** A later layer deleted it (whiteout, opaque dir, directory replaced by a file). */
  readonly deletedLater: boolean
  /** A later layer wrote the same path again. */
  readonly replacedLater: boolean
}

/** What one layer held, for scanners that look at files rather than packages (secrets, misconfig). */
export interface LayerFileIndex {
  readonly diffId: Digest
  readonly digest?: Digest
  readonly files: readonly LayerFileSummary[]
  readonly whiteouts: readonly string[]
  readonly opaqueDirs: readonly string[]
}

export interface AppliedImage {
  readonly os?: OsInfo
  readonly packages: readonly PackageRecord[]
  readonly unknowns: readonly Unknown[]
  readonly layerFiles: readonly LayerFileIndex[]
  readonly view: FileView
}

const OS_TYPES: ReadonlySet<PackageType> = new Set(['deb', 'apk', 'rpm'])
const strip = (p: string): string => p.replace(/^\/+/, '')

function pickOs(found: readonly OsInfo[]): OsInfo | undefined {
  const [first, ...rest] = found
  if (!first) return undefined
  let os: OsInfo = first
  for (const o of rest) {
    if (o.family !== os.family) continue
    const refined = o.version.length > os.version.length && o.version.startsWith(os.version) ? { version: o.version, release: o.release } : {}
    os = { ...o, ...os, ...refined }
  }
  return os
}

function withLocation(p: PackageRecord, path: string, diffId: Digest, digest: Digest | undefined): PackageRecord {
  const base: readonly Location[] = p.locations.length > 0 ? p.locations : [{ path }]
  const locations = base.map((l) => ({ ...l, path: strip(l.path), diffId: l.diffId ?? diffId, ...(digest && !l.layerDigest ? { layerDigest: digest } : {}) }))
  return { ...p, locations }
}

function mergePackages(all: readonly PackageRecord[]): PackageRecord[] {
  const byKey = new Map<string, PackageRecord>()
  for (const p of all) {
    const key = `${p.type}\0${p.name}\0${p.version}\0${p.arch ?? ''}`
    const prev = byKey.get(key)
    if (!prev) {
      byKey.set(key, p)
      continue
    }
    const locs = new Map(prev.locations.map((l) => [`${l.diffId ?? ''}\0${l.path}`, l]))
    for (const l of p.locations) locs.set(`${l.diffId ?? ''}\0${l.path}`, locs.get(`${l.diffId ?? ''}\0${l.path}`) ?? l)
    byKey.set(key, { ...prev, locations: [...locs.values()], licenses: [...new Set([...prev.licenses, ...p.licenses])] })
  }
  return [...byKey.values()]
}

function dropOsOwned(pkgs: readonly PackageRecord[]): PackageRecord[] {
  const owned = new Set<string>()
  for (const p of pkgs) if (OS_TYPES.has(p.type)) for (const f of p.installedFiles ?? []) owned.add(strip(f))
  if (owned.size === 0) return [...pkgs]
  const out: PackageRecord[] = []
  for (const p of pkgs) {
    if (OS_TYPES.has(p.type)) {
      out.push(p)
      continue
    }
    const locations = p.locations.filter((l) => !owned.has(l.path))
    if (locations.length > 0) out.push(locations.length === p.locations.length ? p : { ...p, locations })
  }
  return out
}

export function applyLayers(layers: readonly AppliedLayer[], analyzerOrder: readonly string[] = []): AppliedImage {
  const view = FileView.fromLayers(layers.map((l) => l.analysis))
  const rank = (name: string): number => {
    const i = analyzerOrder.indexOf(name)
    return i < 0 ? analyzerOrder.length : i
  }
  const live = (path: string, layer: number): boolean => view.get(path)?.layer === layer
  const osFound: { os: OsInfo; layer: number; rank: number }[] = []
  const candidates: OsCandidate[] = []
  const owned: OwnedFiles[] = []
  const packages: PackageRecord[] = []
  const unknowns: Unknown[] = []
  const layerFiles: LayerFileIndex[] = []
  layers.forEach(({ analysis, digest }, i) => {
    for (const r of analysis.results) {
      if (!live(r.path, i)) continue
      if (r.result.os) osFound.push({ os: r.result.os, layer: i, rank: rank(r.analyzer) })
      if (r.result.osCandidate) candidates.push(r.result.osCandidate)
      // One by one: a layer's lists are unbounded, and a spread of them would overflow the stack.
      for (const o of r.result.ownedFiles ?? []) owned.push(o)
      for (const p of r.result.packages ?? []) packages.push(withLocation(p, r.path, analysis.diffId, digest))
      for (const u of r.result.unknowns ?? []) unknowns.push({ ...u, diffId: u.diffId ?? analysis.diffId })
    }
    for (const u of analysis.unknowns) if (live(u.path, i)) unknowns.push(u)
    const files = analysis.files.map((f): LayerFileSummary => {
      const e = view.get(f.path)
      return { ...f, deletedLater: e === undefined, replacedLater: e !== undefined && e.layer > i }
    })
    layerFiles.push({ diffId: analysis.diffId, ...(digest ? { digest } : {}), files, whiteouts: analysis.whiteouts, opaqueDirs: analysis.opaqueDirs })
  })
  osFound.sort((a, b) => b.layer - a.layer || a.rank - b.rank)
  const os = resolveOs(candidates) ?? pickOs(osFound.map((o) => o.os))
  // Package analyzers see one file and cannot know the OS: the purls get its namespace and
  // `distro` qualifier here, once the OS is resolved.
  const merged = dropOsOwned(joinOwnedFiles(mergePackages(packages), owned)).map((p) => withOsPurl(p, os))
  merged.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
  return { ...(os ? { os } : {}), packages: merged, unknowns, layerFiles, view }
}
