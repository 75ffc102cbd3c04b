/**
 * Packagist (Composer) versions, ordered as Composer orders them: each version is normalised the
 * way composer/semver's `VersionParser::normalize()` does, then the normal forms are compared
 * with PHP's `version_compare()` (php-version-compare.ts).
 *
 * Normal forms: `v1.2` -> `1.2.0.0`, `1.0.0-beta.2` -> `1.0.0.0-beta2`, `1.0-RC1` -> `1.0.0.0-RC1`,
 * `1.0.0-p1` -> `1.0.0.0-patch1`, `2.0.x-dev` -> `2.0.9999999.9999999-dev`, date versions
 * `2010-01-02` -> `2010.01.02`. Build metadata (`+...`), a stability flag (`@beta`) and an alias
 * (`1.0 as 2.0`) are dropped first.
 *
 * Branch names (`dev-main`, `master`) have no order in Composer, so they are invalid here, as is
 * everything normalize() rejects, and anything longer than 256 characters: Composer's regexes
 * backtrack badly on long input (PHP gives up at its PCRE backtrack limit), and no real version
 * comes close. Regexes mirror PCRE's semantics: `$` also matches before a final
 * newline, `\s` is ASCII whitespace, and possessive parts are written so they cannot backtrack.
 */
import { phpVersionCompare } from './php-version-compare.ts'
import { InvalidVersionError, type VersionScheme } from './scheme.ts'

const MAX_LENGTH = 256
const WS = '[ \\t\\n\\x0B\\f\\r]'
const END = '(?=\\n?$)'
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d)*)?)?([.-]?dev)?'
const ALIAS_RE = new RegExp(`^([^,${WS.slice(1, -1)}]+) +as +([^,${WS.slice(1, -1)}]+)${END}`)
const STABILITY_FLAG_RE = new RegExp(`@(?:stable|RC|beta|alpha|dev)${END}`, 'i')
const BUILD_RE = new RegExp(`^([^,+${WS.slice(1, -1)}]+)\\+[^${WS.slice(1, -1)}]+${END}`)
const CLASSIC_RE = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}${END}`, 'i')
const DATE_RE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3})?)${MODIFIER}${END}`, 'i')
const DEV_BRANCH_RE = new RegExp(`([^\\n]*?)[.-]?dev${END}`, 'i')
const NUMERIC_BRANCH_RE = new RegExp(`^v?(\\d+)(\\.(?:\\d+|[xX*]))?(\\.(?:\\d+|[xX*]))?(\\.(?:\\d+|[xX*]))?${END}`, 'i')

/** PHP's trim() character set. */
const phpTrim = (s: string): string => s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '')

function expandStability(s: string): string {
  const lower = s.toLowerCase()
  if (lower === 'a') return 'alpha'
  if (lower === 'b') return 'beta'
  if (lower === 'p' || lower === 'pl') return 'patch'
  if (lower === 'rc') return 'RC'
  return lower
}

/** Appends the stability, its number and `-dev` as normalize() does. */
function withModifiers(version: string, stability?: string, number?: string, dev?: string): string {
  let out = version
  if (stability) {
    // Only the exact lower-case `stable` is dropped; `STABLE` becomes a `-stable` suffix.
    if (stability === 'stable') return out
    out += `-${expandStability(stability)}${number ? number.replace(/^[.-]+/, '') : ''}`
  }
  if (dev) out += '-dev'
  return out
}

function normalizeBranch(name: string): string | undefined {
  const m = NUMERIC_BRANCH_RE.exec(phpTrim(name))
  if (!m) return undefined
  let version = ''
  for (let i = 1; i < 5; i++) version += m[i] !== undefined ? m[i]!.replace(/[*X]/g, 'x') : '.x'
  return `${version.replaceAll('x', '9999999')}-dev`
}

/** composer/semver VersionParser::normalize(); throws InvalidVersionError where it throws. */
export function normalizeComposerVersion(input: string): string {
  if (input.length > MAX_LENGTH) throw new InvalidVersionError('composer', input, `longer than ${MAX_LENGTH} characters`)
  let version = phpTrim(input)
  const alias = ALIAS_RE.exec(version)
  if (alias) version = alias[1]!
  const flag = STABILITY_FLAG_RE.exec(version)
  if (flag) version = version.slice(0, version.length - flag[0].length)
  if (version === 'master' || version === 'trunk' || version === 'default' || /^dev-/i.test(version)) {
    throw new InvalidVersionError('composer', input, 'a branch name has no version order')
  }
  const build = BUILD_RE.exec(version)
  if (build) version = build[1]!
  const classic = CLASSIC_RE.exec(version)
  if (classic) {
    const [, major, minor, patch, extra, stability, number, dev] = classic
    return withModifiers(`${major}${minor || '.0'}${patch || '.0'}${extra || '.0'}`, stability, number, dev)
  }
  const date = DATE_RE.exec(version)
  if (date) return withModifiers(date[1]!.replace(/\D/g, '.'), date[2], date[3], date[4])
  const branch = DEV_BRANCH_RE.exec(version)
  const numeric = branch ? normalizeBranch(branch[1]!) : undefined
  if (numeric !== undefined) return numeric
  throw new InvalidVersionError('composer', input, 'not a version Composer can normalize')
}

export const composerScheme: VersionScheme = {
  name: 'composer',
  isValid(v) {
    try {
      normalizeComposerVersion(v)
      return true
    } catch {
      return false
    }
  },
  compare: (a, b) => phpVersionCompare(normalizeComposerVersion(a), normalizeComposerVersion(b)),
}
