/**
 * Semantic Versioning 2.0.0 (https://semver.org), strict: `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`
 * with no leading zeros in numeric parts and no `v` prefix. Precedence per spec section 11:
 * major, minor, patch numerically (any length), then a pre-release sorts before the release;
 * pre-release identifiers compare numerically when all digits, else in ASCII order, numeric
 * before alphanumeric, and a shorter list first when one is a prefix of the other. Build
 * metadata is ignored.
 *
 * Two entry points: `cargoScheme` is strict SemVer (crates.io refuses anything else), while
 * `semverScheme` serves OSV `SEMVER` ranges and tolerates what real advisories contain, as other
 * OSV tools do: a `v` prefix, missing minor/patch (taken as 0), leading zeros, and dotted parts
 * after the patch, which are treated as build metadata (`1.1.3.4.5` = `1.1.3`).
 */
import { InvalidVersionError, type VersionScheme, type VersionSchemeName } from './scheme.ts'

export interface SemverParts {
  /** Major, minor and patch as decimal strings without leading zeros. */
  readonly release: readonly [string, string, string]
  readonly prerelease: readonly string[]
  readonly build: readonly string[]
}

const NUM = '0|[1-9]\\d*'
const PRE_ID = `(?:${NUM}|\\d*[A-Za-z-][0-9A-Za-z-]*)`
const BUILD_ID = '[0-9A-Za-z-]+'
const SEMVER_RE = new RegExp(
  `^(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?$`,
)

const LENIENT_ID = '[0-9A-Za-z-]+'
const LENIENT_RE = new RegExp(
  `^v?(\\d+)(?:\\.(\\d+)(?:\\.(\\d+))?)?((?:\\.[0-9A-Za-z]+)*)` +
    `(?:-(${LENIENT_ID}(?:\\.${LENIENT_ID})*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?$`,
)

/** Parses a strict SemVer 2.0.0 string; throws InvalidVersionError (tagged with `scheme`). */
export function parseSemver(v: string, scheme: VersionSchemeName = 'cargo'): SemverParts {
  const m = SEMVER_RE.exec(v)
  if (!m) throw new InvalidVersionError(scheme, v, 'not a SemVer 2.0.0 version')
  return {
    release: [m[1]!, m[2]!, m[3]!],
    prerelease: m[4] === undefined ? [] : m[4].split('.'),
    build: m[5] === undefined ? [] : m[5].split('.'),
  }
}

/** Parses the tolerant OSV form described above. */
export function parseLenientSemver(v: string, scheme: VersionSchemeName = 'semver'): SemverParts {
  const m = LENIENT_RE.exec(v)
  if (!m) throw new InvalidVersionError(scheme, v, 'not a semantic version')
  const extra = m[4] ? m[4].slice(1).split('.') : []
  return {
    release: [m[1]!, m[2] ?? '0', m[3] ?? '0'],
    prerelease: m[5] === undefined ? [] : m[5].split('.'),
    build: [...extra, ...(m[6] === undefined ? [] : m[6].split('.'))],
  }
}

const isNumeric = (id: string): boolean => /^\d+$/.test(id)

/** Compares two non-negative decimal strings exactly, ignoring leading zeros. */
export function compareDecimal(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '')
  const y = b.replace(/^0+(?=\d)/, '')
  if (x.length !== y.length) return x.length < y.length ? -1 : 1
  return x < y ? -1 : x > y ? 1 : 0
}

/** SemVer pre-release identifier precedence (spec 11.4.1 - 11.4.3). */
export function compareIdentifier(a: string, b: string): number {
  const an = isNumeric(a)
  const bn = isNumeric(b)
  if (an && bn) return compareDecimal(a, b)
  if (an !== bn) return an ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Pre-release lists: an empty list (a release) is greater than any pre-release. */
export function comparePrerelease(
  a: readonly string[],
  b: readonly string[],
  compareId: (x: string, y: string) => number = compareIdentifier,
): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareId(a[i]!, b[i]!)
    if (c !== 0) return c
  }
  return Math.sign(a.length - b.length)
}

export function compareSemverParts(a: SemverParts, b: SemverParts): number {
  for (let i = 0; i < 3; i++) {
    const c = compareDecimal(a.release[i]!, b.release[i]!)
    if (c !== 0) return c
  }
  return comparePrerelease(a.prerelease, b.prerelease)
}

/** OSV `SEMVER` ranges (tolerant, see above). */
export const semverScheme: VersionScheme = {
  name: 'semver',
  isValid: (v) => LENIENT_RE.test(v),
  compare: (a, b) => compareSemverParts(parseLenientSemver(a), parseLenientSemver(b)),
}

/** crates.io: Cargo versions are strict SemVer 2.0.0. */
export const cargoScheme: VersionScheme = {
  name: 'cargo',
  isValid: (v) => SEMVER_RE.test(v),
  compare: (a, b) => compareSemverParts(parseSemver(a, 'cargo'), parseSemver(b, 'cargo')),
}
