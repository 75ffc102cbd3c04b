/**
 * Merges the partial OS views of several files into one OsInfo. The only place that decides
 * which file wins:
 *
 * 1. Family: the candidate with the best precedence (table below) that names a family.
 *    os-release wins over release files, `etc/` over `usr/lib/` (os-release(5) lookup order).
 * 2. Version: the winner's version, refined by any same-family candidate whose version extends
 *    it (os-release `12` + debian_version `12.15` → `12.15`; `7` + centos-release `7.5.1804`).
 *    A candidate whose version contradicts the winner is ignored.
 * 3. Release: the winner's explicit release if it has one, else derived from the version.
 * 4. Codename and pretty name: the first same-family candidate that has one.
 * 5. Distroless: some dpkg status.d entry says so and no full var/lib/dpkg/status exists.
 *
 * Pure: the pipeline calls it after squashing layers, with the candidates of surviving files.
 */
import type { OsCandidate, OsInfo } from '../../model/package.ts'
import { refinesVersion, releaseFor } from './os-family.ts'

const PRECEDENCE: readonly string[] = [
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'etc/centos-release',
  'etc/redhat-release',
  'etc/SuSE-release',
  'etc/debian_version',
  'etc/lsb-release',
  'etc/system-release',
]

function rank(source: string): number {
  const i = PRECEDENCE.indexOf(source)
  return i === -1 ? PRECEDENCE.length : i
}

export function resolveOs(candidates: readonly OsCandidate[]): OsInfo | undefined {
  const sorted = [...candidates].sort((a, b) => rank(a.source) - rank(b.source) || a.source.localeCompare(b.source))
  const winner = sorted.find((c) => c.family !== undefined)
  if (winner?.family === undefined) return undefined
  const family = winner.family
  const same = sorted.filter((c) => c.family === family)

  let version = winner.version ?? same.find((c) => c.version !== undefined)?.version
  if (version !== undefined) {
    for (const c of same) {
      if (c.version !== undefined && c.version.length > version.length && refinesVersion(version, c.version)) {
        version = c.version
      }
    }
  }
  const release = winner.release ?? (version !== undefined ? releaseFor(family, version) : undefined)
  const codename = same.find((c) => c.codename !== undefined)?.codename
  const prettyName = winner.prettyName ?? same.find((c) => c.prettyName !== undefined)?.prettyName
  const distroless =
    candidates.some((c) => c.distroless === true) && !candidates.some((c) => c.distroless === false)

  return {
    family,
    version: version ?? release ?? '',
    release: release ?? '',
    ...(codename !== undefined ? { codename } : {}),
    ...(prettyName !== undefined ? { prettyName } : {}),
    ...(distroless ? { distroless } : {}),
  }
}
