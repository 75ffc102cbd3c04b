/**
 * Package URLs for OS packages (purl spec, types apk/deb/rpm):
 *
 *   pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.4
 *   pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12
 *   pkg:rpm/centos/bash@4.2.46-30.el7?arch=x86_64&distro=centos-7.5.1804   (epoch=N when > 0)
 *
 * A package analyzer sees one file and cannot know the OS, so it builds the purl without
 * `distro` (namespace from what the database says). After resolveOs() the applier
 * (image/apply-layers.ts) calls `withOsPurl(record, os)` to rebuild it with the OS namespace and
 * distro qualifier.
 */
import type { OsFamily, OsInfo, PackageRecord } from '../../model/package.ts'

const RPM_NAMESPACE: Readonly<Partial<Record<OsFamily, string>>> = {
  rhel: 'redhat',
  centos: 'centos',
  rocky: 'rocky',
  alma: 'almalinux',
  amazon: 'amazon',
  fedora: 'fedora',
  oracle: 'oracle',
  sles: 'suse',
  opensuse: 'opensuse',
  mariner: 'mariner',
  azurelinux: 'azurelinux',
  photon: 'photon',
}

function enc(s: string): string {
  // ':' is legal in a purl version (deb epochs) and keeps versions readable.
  return encodeURIComponent(s).replaceAll('%3A', ':')
}

export function buildPurl(
  type: string,
  namespace: string | undefined,
  name: string,
  version: string,
  qualifiers: Readonly<Record<string, string | undefined>>,
): string {
  const q = Object.entries(qualifiers)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${enc(v)}`)
    .join('&')
  const ns = namespace ? `${enc(namespace)}/` : ''
  return `pkg:${type}/${ns}${enc(name)}@${enc(version)}${q ? `?${q}` : ''}`
}

/** The `distro` qualifier: Debian/Ubuntu by release (`debian-12`), others by full version. */
export function distroQualifier(os: OsInfo): string {
  const v = os.family === 'debian' || os.family === 'ubuntu' ? os.release : os.version
  return `${os.family}-${v}`
}

/** Rebuilds an OS package's purl with the OS namespace and distro; other types are unchanged. */
export function withOsPurl(pkg: PackageRecord, os: OsInfo | undefined): PackageRecord {
  if (os === undefined) return pkg
  // An rpm vendor namespace the analyzer found (`pkg:rpm/suse/...`) stays for OS families without one.
  const namespace = /^pkg:rpm\/([^/@?]+)\//.exec(pkg.purl)?.[1]
  return { ...pkg, purl: osPackagePurl(pkg, os, namespace && decodeURIComponent(namespace)) }
}

export function osPackagePurl(pkg: PackageRecord, os: OsInfo | undefined, fallbackNamespace?: string): string {
  const distro = os ? distroQualifier(os) : undefined
  switch (pkg.type) {
    case 'apk':
      return buildPurl('apk', os?.family ?? 'alpine', pkg.name, pkg.version, { arch: pkg.arch, distro })
    case 'deb':
      return buildPurl('deb', os?.family === 'ubuntu' ? 'ubuntu' : 'debian', pkg.name, pkg.version, { arch: pkg.arch, distro })
    case 'rpm': {
      const ns = (os && RPM_NAMESPACE[os.family]) ?? fallbackNamespace
      const version = pkg.release !== undefined ? `${rpmVersionPart(pkg)}-${pkg.release}` : pkg.version
      const epoch = pkg.epoch !== undefined && pkg.epoch > 0 ? String(pkg.epoch) : undefined
      return buildPurl('rpm', ns, pkg.name, version, { arch: pkg.arch, epoch, distro })
    }
    default:
      return pkg.purl
  }
}

function rpmVersionPart(pkg: PackageRecord): string {
  // PackageRecord.version for rpm is `[epoch:]version-release`; the purl wants version only.
  const noEpoch = pkg.version.replace(/^\d+:/, '')
  return pkg.release !== undefined && noEpoch.endsWith(`-${pkg.release}`)
    ? noEpoch.slice(0, -pkg.release.length - 1)
    : noEpoch
}
