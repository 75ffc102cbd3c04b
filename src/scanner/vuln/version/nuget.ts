/**
 * NuGet package versions, ordered as NuGet's `VersionComparer.Default` orders `NuGetVersion`s:
 * `MAJOR.MINOR[.PATCH[.REVISION]][-LABEL(.LABEL)*][+METADATA]`, a missing part being 0 (`1.0` =
 * `1.0.0.0`) and leading zeros ignored. Numbers are 32-bit (above 2147483647 is invalid).
 *
 * A version without labels is greater than one with labels. Labels compare one by one: numeric
 * ones numerically and before alphanumeric ones, alphanumeric ones case-insensitively (ordinal,
 * upper-cased); a shorter label list sorts first when it is a prefix of the other. Build metadata
 * is ignored (NuGet's VersionComparison.Default).
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts'
import { compareDecimal, comparePrerelease } from './semver.ts'

const INT32_MAX = 2147483647
const ID = '[0-9A-Za-z-]+'
const NUGET_RE = new RegExp(
  `^\\s*(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-(${ID}(?:\\.${ID})*))?(?:\\+(${ID}(?:\\.${ID})*))?\\s*$`,
)

interface NugetVersion {
  readonly release: readonly number[]
  readonly labels: readonly string[]
}

export function parseNugetVersion(v: string): NugetVersion {
  const m = NUGET_RE.exec(v)
  if (!m) throw new InvalidVersionError('nuget', v, 'not a NuGet version')
  const release = [m[1], m[2], m[3], m[4]].map((p) => {
    const digits = (p ?? '0').replace(/^0+(?=\d)/, '')
    if (digits.length > 10 || Number(digits) > INT32_MAX) {
      throw new InvalidVersionError('nuget', v, 'version part above 2147483647')
    }
    return Number(digits)
  })
  return { release, labels: m[5] === undefined ? [] : m[5].split('.') }
}

function compareLabel(a: string, b: string): number {
  const an = /^\d+$/.test(a)
  const bn = /^\d+$/.test(b)
  if (an && bn) return compareDecimal(a, b)
  if (an !== bn) return an ? -1 : 1
  const x = a.toUpperCase()
  const y = b.toUpperCase()
  return x < y ? -1 : x > y ? 1 : 0
}

export function compareNugetVersions(a: NugetVersion, b: NugetVersion): number {
  for (let i = 0; i < 4; i++) {
    if (a.release[i] !== b.release[i]) return a.release[i]! < b.release[i]! ? -1 : 1
  }
  return comparePrerelease(a.labels, b.labels, compareLabel)
}

export const nugetScheme: VersionScheme = {
  name: 'nuget',
  isValid(v) {
    try {
      parseNugetVersion(v)
      return true
    } catch {
      return false
    }
  },
  compare: (a, b) => compareNugetVersions(parseNugetVersion(a), parseNugetVersion(b)),
}
