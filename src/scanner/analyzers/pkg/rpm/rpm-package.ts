/**
 * rpm header → PackageRecord. Version is `[epoch:]version-release` with the epoch only when
 * the header has an EPOCH tag (rpm's `%{EPOCH}` is `(none)` otherwise). The source package
 * comes from SOURCERPM: `openssl-1.0.2k-19.el7.src.rpm` → `openssl` / `1.0.2k-19.el7`.
 * Installed files are DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (or OLDFILENAMES in old headers).
 */
import type { Location, PackageRecord } from '../../../model/package.ts'
import { osPackagePurl } from '../../os/os-package-purl.ts'
import type { RpmHeader } from './rpm-header.ts'

export const RPM_TAG = {
  NAME: 1000, VERSION: 1001, RELEASE: 1002, EPOCH: 1003, SIZE: 1009, VENDOR: 1011,
  LICENSE: 1014, ARCH: 1022, OLDFILENAMES: 1027, SOURCERPM: 1044,
  DIRINDEXES: 1116, BASENAMES: 1117, DIRNAMES: 1118, LONGSIZE: 5009, MODULARITYLABEL: 5096,
} as const

export function splitSourceRpm(srpm: string): { name: string; version: string } | undefined {
  const stem = srpm.replace(/\.(no)?src\.rpm$/, '')
  if (stem === srpm) return undefined
  const r = stem.lastIndexOf('-')
  const v = r > 0 ? stem.lastIndexOf('-', r - 1) : -1
  if (v <= 0) return undefined
  return { name: stem.slice(0, v), version: stem.slice(v + 1) }
}

/** Vendor string → purl namespace, used until the pipeline knows the OS (withOsPurl). */
function vendorNamespace(vendor: string | undefined): string | undefined {
  const v = vendor?.toLowerCase() ?? ''
  const table: [string, string][] = [
    ['centos', 'centos'], ['red hat', 'redhat'], ['suse', 'suse'], ['microsoft', 'mariner'],
    ['fedora', 'fedora'], ['amazon', 'amazon'], ['rocky', 'rocky'], ['alma', 'almalinux'],
    ['oracle', 'oracle'], ['vmware', 'photon'],
  ]
  return table.find(([k]) => v.includes(k))?.[1]
}

function installedFiles(h: RpmHeader): string[] | undefined {
  const base = h.stringArray(RPM_TAG.BASENAMES)
  const dirs = h.stringArray(RPM_TAG.DIRNAMES)
  const idx = h.ints(RPM_TAG.DIRINDEXES)
  if (base && dirs && idx && idx.length === base.length) {
    const out: string[] = []
    for (let i = 0; i < base.length; i++) {
      const d = dirs[idx[i] ?? -1]
      if (d === undefined) return undefined
      out.push(`${d}${base[i]}`.replace(/^\/+/, ''))
    }
    return out
  }
  return h.stringArray(RPM_TAG.OLDFILENAMES)?.map((f) => f.replace(/^\/+/, ''))
}

export function rpmPackage(h: RpmHeader, location: Location): PackageRecord | string {
  const name = h.string(RPM_TAG.NAME)
  const version = h.string(RPM_TAG.VERSION)
  const release = h.string(RPM_TAG.RELEASE)
  if (!name || version === undefined || release === undefined) return 'header without NAME, VERSION or RELEASE'
  const epoch = h.ints(RPM_TAG.EPOCH)?.[0]
  const arch = h.string(RPM_TAG.ARCH)
  const license = h.string(RPM_TAG.LICENSE)
  const vendor = h.string(RPM_TAG.VENDOR)
  const srpm = h.string(RPM_TAG.SOURCERPM)
  const source = srpm ? splitSourceRpm(srpm) : undefined
  const files = installedFiles(h)
  const size = h.ints(RPM_TAG.LONGSIZE)?.[0] ?? h.ints(RPM_TAG.SIZE)?.[0]
  const modularity = h.string(RPM_TAG.MODULARITYLABEL)
  const metadata: Record<string, string> = {}
  if (srpm) metadata['sourceRpm'] = srpm
  if (vendor) metadata['vendor'] = vendor
  if (size !== undefined) metadata['size'] = String(size)
  if (modularity) metadata['modularityLabel'] = modularity
  const base: PackageRecord = {
    name,
    version: `${epoch !== undefined ? `${epoch}:` : ''}${version}-${release}`,
    type: 'rpm',
    purl: '',
    licenses: license ? [license] : [],
    locations: [location],
    sourceName: source?.name ?? name,
    sourceVersion: source?.version ?? `${version}-${release}`,
    ...(epoch !== undefined ? { epoch } : {}),
    release,
    ...(arch ? { arch } : {}),
    ...(files ? { installedFiles: files } : {}),
    metadata,
  }
  return { ...base, purl: osPackagePurl(base, undefined, vendorNamespace(vendor)) }
}
