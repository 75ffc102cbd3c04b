/**
 * Distribution identities: os-release `ID` values to our OsFamily, and the rule that turns a full
 * version into the release the advisory feeds are keyed by. One table, used by every OS analyzer.
 */
import type { OsFamily } from '../../model/package.ts'

const ID_TO_FAMILY: Readonly<Record<string, OsFamily>> = {
  alpine: 'alpine',
  debian: 'debian',
  ubuntu: 'ubuntu',
  rhel: 'rhel',
  centos: 'centos',
  rocky: 'rocky',
  almalinux: 'alma',
  amzn: 'amazon',
  fedora: 'fedora',
  ol: 'oracle',
  sles: 'sles',
  sled: 'sles',
  sles_sap: 'sles',
  'sle-micro': 'sles',
  opensuse: 'opensuse',
  'opensuse-leap': 'opensuse',
  'opensuse-tumbleweed': 'opensuse',
  mariner: 'mariner',
  azurelinux: 'azurelinux',
  wolfi: 'wolfi',
  chainguard: 'chainguard',
  photon: 'photon',
}

export function familyFromId(id: string | undefined): OsFamily | undefined {
  if (id === undefined) return undefined
  return ID_TO_FAMILY[id.toLowerCase()]
}

const MAJOR_ONLY: ReadonlySet<OsFamily> = new Set([
  'debian', 'rhel', 'centos', 'rocky', 'alma', 'oracle', 'fedora',
])

/**
 * The advisory release for a version: Alpine `3.19.4` → `3.19`; Debian `12.15` → `12`;
 * RHEL-likes `7.5.1804` → `7`; Amazon Linux 1 (`2018.03`) → `1`; Wolfi/Chainguard are rolling
 * (their advisories carry no release) → `rolling`; others (Ubuntu, SLES, Mariner, Photon) keep
 * the version as given.
 */
export function releaseFor(family: OsFamily, version: string): string {
  if (family === 'wolfi' || family === 'chainguard') return 'rolling'
  if (family === 'alpine') return /^\d+\.\d+/.exec(version)?.[0] ?? version
  if (family === 'amazon') {
    if (/^20\d\d\.\d+/.test(version)) return '1'
    return /^\d+/.exec(version)?.[0] ?? version
  }
  if (MAJOR_ONLY.has(family)) return /^\d+/.exec(version)?.[0] ?? version
  if (family === 'opensuse' && /^20\d{6}$/.test(version)) return 'tumbleweed'
  return version
}

/** True when `longer` is `shorter` or refines it (`12` → `12.15`, `2.0` → `2.0.20220124`). */
export function refinesVersion(shorter: string, longer: string): boolean {
  return longer === shorter || longer.startsWith(`${shorter}.`)
}
