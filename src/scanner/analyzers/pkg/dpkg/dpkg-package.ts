/**
 * One dpkg status paragraph → PackageRecord, with dpkg-query's own rules:
 * a paragraph counts when its Status state word is `installed` (`install ok installed`, and
 * `hold ok installed` for held packages: dpkg-query's `${db:Status-Status}`); `Source: name (version)` gives the source
 * package, and without it the source name/version default to the binary's
 * (dpkg-query `${source:Package}` / `${source:Version}`).
 */
import type { Location, PackageRecord } from '../../../model/package.ts'
import { osPackagePurl } from '../../os/os-package-purl.ts'

export type DpkgOutcome =
  | { readonly kind: 'package'; readonly pkg: PackageRecord }
  | { readonly kind: 'skip' }
  | { readonly kind: 'bad'; readonly reason: string }

const SOURCE = /^(\S+)(?:\s+\((\S+)\))?$/

export function dpkgPackage(fields: Map<string, string>, location: Location, requireStatus: boolean): DpkgOutcome {
  const status = fields.get('status')
  if (status === undefined ? requireStatus : status.trim().split(/\s+/)[2] !== 'installed') {
    return { kind: 'skip' }
  }
  const name = fields.get('package')
  const version = fields.get('version')
  if (!name || !version) return { kind: 'bad', reason: `paragraph ${name ?? ''} has no Package or Version` }
  let sourceName = name
  let sourceVersion = version
  const source = fields.get('source')
  if (source) {
    const m = SOURCE.exec(source)
    if (!m?.[1]) return { kind: 'bad', reason: `package ${name} has a malformed Source field` }
    sourceName = m[1]
    if (m[2]) sourceVersion = m[2]
  }
  const arch = fields.get('architecture')
  const epochMatch = /^(\d+):/.exec(version)
  const base: PackageRecord = {
    name,
    version,
    type: 'deb',
    purl: '',
    licenses: [],
    locations: [location],
    sourceName,
    sourceVersion,
    ...(epochMatch?.[1] ? { epoch: Number(epochMatch[1]) } : {}),
    ...(arch ? { arch } : {}),
  }
  return { kind: 'package', pkg: { ...base, purl: osPackagePurl(base, undefined) } }
}
