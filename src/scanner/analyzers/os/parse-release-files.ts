/**
 * Parsers for the distribution-specific release files. Each returns a partial OsCandidate or
 * undefined when the content is not recognised; none throws.
 */
import type { OsCandidate, OsFamily } from '../../model/package.ts'
import { releaseFor } from './os-family.ts'
import { parseOsRelease } from './parse-os-release.ts'

function withVersion(source: string, family: OsFamily, version: string | undefined, extra: Partial<OsCandidate> = {}): OsCandidate {
  return {
    source,
    family,
    ...(version !== undefined ? { version, release: releaseFor(family, version) } : {}),
    ...extra,
  }
}

/** `etc/alpine-release`: just the version, e.g. `3.19.4`. */
export function parseAlpineRelease(source: string, text: string): OsCandidate | undefined {
  const v = text.trim()
  return /^\d+\.\d+/.test(v) ? withVersion(source, 'alpine', v) : undefined
}

/** `etc/debian_version`: `12.15`, or `trixie/sid` on testing (codename, no version). */
export function parseDebianVersion(source: string, text: string): OsCandidate | undefined {
  const v = text.trim()
  if (/^\d+(\.\d+)*$/.test(v)) return withVersion(source, 'debian', v)
  const codename = /^([a-z]+)\/sid$/.exec(v)?.[1]
  return codename ? { source, family: 'debian', codename } : undefined
}

// Longest, most specific names first: "Red Hat Enterprise Linux" must not match as "Linux".
const RH_NAMES: readonly [RegExp, OsFamily][] = [
  [/^CentOS( Linux| Stream)?\b/i, 'centos'],
  [/^Red Hat Enterprise Linux\b/i, 'rhel'],
  [/^Rocky Linux\b/i, 'rocky'],
  [/^AlmaLinux\b/i, 'alma'],
  [/^Fedora\b/i, 'fedora'],
  [/^Amazon Linux\b/i, 'amazon'],
  [/^Oracle Linux\b/i, 'oracle'],
  [/^CBL-Mariner\b/i, 'mariner'],
  [/^VMware Photon\b/i, 'photon'],
]

/** `etc/redhat-release`, `etc/centos-release`, `etc/system-release`: `<Name> release <version> (<code>)`. */
export function parseRedhatRelease(source: string, text: string): OsCandidate | undefined {
  const line = text.split('\n', 1)[0]?.trim() ?? ''
  const m = /^(.*?)\s+release\s+(\d[\w.]*)/i.exec(line)
  if (!m?.[1] || !m[2]) return undefined
  const name = m[1]
  const family = RH_NAMES.find(([re]) => re.test(name))?.[1]
  return family ? withVersion(source, family, m[2], { prettyName: line }) : undefined
}

/** `etc/lsb-release` (Ubuntu and friends): DISTRIB_ID / DISTRIB_RELEASE / DISTRIB_CODENAME. */
export function parseLsbRelease(source: string, text: string): OsCandidate | undefined {
  const kv = parseOsRelease(text)
  const id = kv.get('DISTRIB_ID')?.toLowerCase()
  const family: OsFamily | undefined = id === 'ubuntu' ? 'ubuntu' : id === 'debian' ? 'debian' : undefined
  if (!family) return undefined
  const codename = kv.get('DISTRIB_CODENAME')
  const prettyName = kv.get('DISTRIB_DESCRIPTION')
  return withVersion(source, family, kv.get('DISTRIB_RELEASE'), {
    ...(codename ? { codename } : {}),
    ...(prettyName ? { prettyName } : {}),
  })
}

/**
 * `etc/SuSE-release` (SLES 11/12, openSUSE 42 and older): a title line, then `VERSION = 12`
 * and `PATCHLEVEL = 3` → `12.3` (openSUSE gives `VERSION = 42.3` directly).
 */
export function parseSuseRelease(source: string, text: string): OsCandidate | undefined {
  const lines = text.split('\n')
  const title = lines[0]?.trim() ?? ''
  const family: OsFamily | undefined = /^openSUSE/i.test(title) ? 'opensuse' : /^SUSE Linux Enterprise/i.test(title) ? 'sles' : undefined
  if (!family) return undefined
  const field = (k: string): string | undefined =>
    lines.map((l) => new RegExp(`^${k}\\s*=\\s*(\\S+)`).exec(l.trim())?.[1]).find((v) => v !== undefined)
  let version = field('VERSION')
  const patch = field('PATCHLEVEL')
  if (version !== undefined && patch !== undefined && !version.includes('.')) version = `${version}.${patch}`
  return withVersion(source, family, version, { prettyName: title })
}
