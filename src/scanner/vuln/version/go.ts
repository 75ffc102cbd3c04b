/**
 * Go module versions, ordered as golang.org/x/mod/semver orders them: `vMAJOR[.MINOR[.PATCH]]`
 * with SemVer 2.0.0 pre-release and build parts. `v1` and `v1.2` are shorthands for `v1.0.0` and
 * `v1.2.0` (and may not carry a pre-release or build part). Pseudo-versions
 * (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.20191109021931-daa7c04131f5`) are pre-releases
 * and sort by their timestamp, and `+incompatible` is build metadata, so it does not affect order.
 *
 * OSV Go ranges write versions without the `v` (`1.2.3`); both spellings are accepted.
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts'
import { compareDecimal, comparePrerelease } from './semver.ts'

const NUM = '0|[1-9]\\d*'
const PRE_ID = `(?:${NUM}|\\d*[A-Za-z-][0-9A-Za-z-]*)`
const BUILD_ID = '[0-9A-Za-z-]+'
const GO_RE = new RegExp(
  `^v?(${NUM})(?:\\.(${NUM})(?:\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?)?)?$`,
)

interface GoVersion {
  readonly release: readonly [string, string, string]
  readonly prerelease: readonly string[]
}

export function parseGoVersion(v: string): GoVersion {
  const m = GO_RE.exec(v)
  if (!m) throw new InvalidVersionError('go', v, 'not a Go module version')
  return {
    release: [m[1]!, m[2] ?? '0', m[3] ?? '0'],
    prerelease: m[4] === undefined ? [] : m[4].split('.'),
  }
}

export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  for (let i = 0; i < 3; i++) {
    const c = compareDecimal(a.release[i]!, b.release[i]!)
    if (c !== 0) return c
  }
  return comparePrerelease(a.prerelease, b.prerelease)
}

/** True for a pseudo-version (a version Go derives from a commit: time stamp plus hash). */
export function isPseudoVersion(v: string): boolean {
  return /^v?\d+\.\d+\.\d+-(?:(?:0\.|[0-9A-Za-z-]+\.0\.)?\d{14}-[0-9a-f]{12})(?:\+[0-9A-Za-z.-]+)?$/.test(v)
}

export const goScheme: VersionScheme = {
  name: 'go',
  isValid: (v) => GO_RE.test(v),
  compare: (a, b) => compareGoVersions(parseGoVersion(a), parseGoVersion(b)),
}
