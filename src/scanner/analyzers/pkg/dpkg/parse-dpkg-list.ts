/**
 * `var/lib/dpkg/info/<name>[:<arch>].list`: the paths dpkg installed for a package, one
 * absolute path per line, directories included (what `dpkg -L` prints). `/.` is dpkg's entry
 * for the root directory and is dropped.
 */
import type { AnalysisResult } from '../../analyzer.ts'
import type { OwnedFiles, PackageRecord } from '../../../model/package.ts'

export function parseDpkgList(fileName: string, text: string): AnalysisResult | undefined {
  const stem = fileName.slice(0, -'.list'.length)
  const colon = stem.indexOf(':')
  const packageName = colon === -1 ? stem : stem.slice(0, colon)
  if (packageName === '') return undefined
  const arch = colon === -1 ? undefined : stem.slice(colon + 1)
  const files: string[] = []
  for (const line of text.split('\n')) {
    const p = line.replace(/^\/+/, '').replace(/\r$/, '')
    if (p === '' || p === '.') continue
    files.push(p)
  }
  const owned: OwnedFiles = { type: 'deb', packageName, ...(arch ? { arch } : {}), files }
  return { ownedFiles: [owned] }
}

/**
 * Joins owned-file lists to packages of the same type and name (and arch, when the list file
 * name carries one). Pure; the pipeline calls it once on the squashed results.
 */
export function joinOwnedFiles(packages: readonly PackageRecord[], owned: readonly OwnedFiles[]): PackageRecord[] {
  const byKey = new Map<string, OwnedFiles>()
  for (const o of owned) byKey.set(`${o.type}\0${o.packageName}\0${o.arch ?? ''}`, o)
  return packages.map((p) => {
    const o = byKey.get(`${p.type}\0${p.name}\0${p.arch ?? ''}`) ?? byKey.get(`${p.type}\0${p.name}\0`)
    return o && p.installedFiles === undefined ? { ...p, installedFiles: o.files } : p
  })
}
