/**
 * RPM-family packages, matched by source RPM name (sourceName, else the binary name) against
 * the distribution's OSV ecosystem (`Rocky Linux:9`, `AlmaLinux:9`, `openSUSE:...`, `Mariner:2.0`).
 * The version is `[epoch:]version-release` as the rpm scheme expects.
 */
import type { OsFamily, OsInfo } from '../../model/package.ts'
import type { Matcher } from './matcher.ts'
import { matchOsv } from './match-osv.ts'

const ECOSYSTEM_NAMES: Partial<Record<OsFamily, (os: OsInfo) => string>> = {
  rocky: (os) => `Rocky Linux:${os.release.split('.')[0] ?? os.release}`,
  alma: (os) => `AlmaLinux:${os.release.split('.')[0] ?? os.release}`,
  mariner: (os) => `Mariner:${os.release}`,
  azurelinux: (os) => `Azure Linux:${os.release}`,
  opensuse: (os) => `openSUSE:Leap ${os.release}`,
  sles: (os) => `SUSE:Linux Enterprise Server ${os.release}`,
}

export const rpmMatcher: Matcher = {
  name: 'rpm',
  version: 1,
  packageTypes: ['rpm'],
  async match(pkg, ctx) {
    const toEcosystem = ctx.os === undefined ? undefined : ECOSYSTEM_NAMES[ctx.os.family]
    if (ctx.os === undefined || toEcosystem === undefined) return []
    return matchOsv(pkg, { ecosystem: toEcosystem(ctx.os), name: pkg.sourceName ?? pkg.name, version: pkg.version }, ctx)
  },
}
