/**
 * npm package versions, ordered exactly as node-semver (`semver.compare(a, b, { loose: true })`)
 * orders them, since that is what npm itself uses. Loose forms npm accepts are valid here:
 * surrounding whitespace, a leading `v` or `=` (`v1.2.3`, `=1.2.3`), leading zeros (`01.2.3`) and a
 * pre-release without its hyphen (`1.0.0beta1`).
 *
 * node-semver details kept on purpose so results match npm: versions longer than 256 characters
 * and major/minor/patch above Number.MAX_SAFE_INTEGER are invalid; numeric parts compare as
 * JavaScript numbers (so pre-release ids with 17+ digits compare as doubles, like npm does).
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts'

const MAX_LENGTH = 256
const PRE_ID = '(?:\\d*[a-zA-Z-][a-zA-Z0-9-]*|\\d+)'
const BUILD_ID = '[a-zA-Z0-9-]+'
const LOOSE_RE = new RegExp(
  `^[v=\\s]*(\\d+)\\.(\\d+)\\.(\\d+)(?:-?(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?$`,
)

interface NpmVersion {
  readonly main: readonly [number, number, number]
  /** Numeric ids below MAX_SAFE_INTEGER as numbers, everything else as strings (node-semver). */
  readonly prerelease: ReadonlyArray<number | string>
}

export function parseNpmVersion(v: string): NpmVersion {
  if (v.length > MAX_LENGTH) throw new InvalidVersionError('npm', v, `longer than ${MAX_LENGTH} characters`)
  const m = LOOSE_RE.exec(v.trim())
  if (!m) throw new InvalidVersionError('npm', v, 'not a version node-semver accepts')
  const main = [Number(m[1]), Number(m[2]), Number(m[3])] as const
  if (main.some((n) => n > Number.MAX_SAFE_INTEGER)) {
    throw new InvalidVersionError('npm', v, 'component above Number.MAX_SAFE_INTEGER')
  }
  const prerelease = m[4] === undefined ? [] : m[4].split('.').map((id) => {
    if (/^\d+$/.test(id)) {
      const n = Number(id)
      if (n < Number.MAX_SAFE_INTEGER) return n
    }
    return id
  })
  return { main, prerelease }
}

function compareId(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1
  const an = /^\d+$/.test(String(a))
  const bn = /^\d+$/.test(String(b))
  if (an && bn) {
    const x = Number(a)
    const y = Number(b)
    return x === y ? 0 : x < y ? -1 : 1
  }
  if (a === b) return 0
  if (an !== bn) return an ? -1 : 1
  return a < b ? -1 : 1
}

export function compareNpmVersions(a: NpmVersion, b: NpmVersion): number {
  for (let i = 0; i < 3; i++) {
    if (a.main[i] !== b.main[i]) return a.main[i]! < b.main[i]! ? -1 : 1
  }
  const pa = a.prerelease
  const pb = b.prerelease
  if (pa.length === 0 || pb.length === 0) return pa.length === pb.length ? 0 : pa.length === 0 ? 1 : -1
  for (let i = 0; ; i++) {
    const x = pa[i]
    const y = pb[i]
    if (x === undefined && y === undefined) return 0
    if (y === undefined) return 1
    if (x === undefined) return -1
    if (x === y) continue
    return compareId(x, y)
  }
}

export const npmScheme: VersionScheme = {
  name: 'npm',
  isValid(v) {
    try {
      parseNpmVersion(v)
      return true
    } catch {
      return false
    }
  },
  compare: (a, b) => compareNpmVersions(parseNpmVersion(a), parseNpmVersion(b)),
}
