/**
 * Debian package versions, ordered exactly as `dpkg --compare-versions` orders them:
 * `[epoch:]upstream[-revision]`, epochs compared as numbers, then upstream and revision with
 * dpkg's alternating non-digit / digit walk where `~` sorts before everything (even the end of
 * the string) and letters sort before other characters.
 *
 * Validity follows dpkg: what dpkg refuses to compare (empty version, bad epoch, empty revision,
 * embedded spaces) is invalid. What dpkg only warns about (a leading non-digit, odd characters)
 * is still compared by dpkg, so it stays valid here and is ordered the same way.
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts'

const INT_MAX = 2147483647

interface DebVersion {
  readonly epoch: number
  readonly upstream: Uint8Array
  readonly revision: Uint8Array
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
// dpkg's isspace/isblank in the C locale.
const isSpace = (c: string): boolean => c === ' ' || (c >= '\t' && c <= '\r')
const isBlank = (c: string): boolean => c === ' ' || c === '\t'

function fail(v: string, reason: string): never {
  throw new InvalidVersionError('deb', v, reason)
}

/** Splits and checks a version the way dpkg's parseversion() does. */
export function parseDebVersion(v: string): DebVersion {
  let start = 0
  while (start < v.length && isBlank(v[start]!)) start++
  if (start === v.length) fail(v, 'version string is empty')
  let end = start
  while (end < v.length && !isSpace(v[end]!)) end++
  for (let i = end; i < v.length; i++) if (!isSpace(v[i]!)) fail(v, 'version string has embedded spaces')
  let body = v.slice(start, end)

  let epoch = 0
  const colon = body.indexOf(':')
  if (colon !== -1) {
    // dpkg reads the epoch with strtol(): an optional sign, then digits, ending right at the colon.
    const m = /^([+-]?)(\d*)$/.exec(body.slice(0, colon))
    if (!m || m[2] === '') fail(v, m ? 'epoch in version is empty' : 'epoch in version is not number')
    const digits = m[2]!.replace(/^0+(?=\d)/, '')
    const magnitude = digits.length > 10 ? Infinity : Number(digits)
    if (m[1] === '-' && magnitude !== 0) fail(v, 'epoch in version is negative')
    if (magnitude > INT_MAX) fail(v, 'epoch in version is too big')
    epoch = magnitude
    body = body.slice(colon + 1)
    if (body === '') fail(v, 'nothing after colon in version number')
  }
  const hyphen = body.lastIndexOf('-')
  let upstream = body
  let revision = ''
  if (hyphen !== -1) {
    upstream = body.slice(0, hyphen)
    revision = body.slice(hyphen + 1)
    if (revision === '') fail(v, 'revision number is empty')
  }
  if (upstream === '') fail(v, 'version number is empty')
  const enc = new TextEncoder()
  return { epoch, upstream: enc.encode(upstream), revision: enc.encode(revision) }
}

// dpkg compares bytes as (signed) chars: digits 0, letters themselves, `~` -1, anything else
// after letters. A signed byte >= 0x80 plus 256 is its unsigned value, so it sorts between
// letters and ASCII punctuation.
function order(c: number): number {
  if (c === 0 || isDigit(c)) return 0
  if (isAlpha(c)) return c
  if (c === 0x7e) return -1
  return c >= 0x80 ? c : c + 256
}

/** dpkg's verrevcmp(): linear in the input length. */
function verrevcmp(a: Uint8Array, b: Uint8Array): number {
  let i = 0
  let j = 0
  const at = (s: Uint8Array, k: number): number => (k < s.length ? s[k]! : 0)
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const ac = order(at(a, i))
      const bc = order(at(b, j))
      if (ac !== bc) return ac - bc
      i++
      j++
    }
    while (at(a, i) === 0x30) i++
    while (at(b, j) === 0x30) j++
    let firstDiff = 0
    while (isDigit(at(a, i)) && isDigit(at(b, j))) {
      if (firstDiff === 0) firstDiff = at(a, i) - at(b, j)
      i++
      j++
    }
    if (isDigit(at(a, i))) return 1
    if (isDigit(at(b, j))) return -1
    if (firstDiff !== 0) return firstDiff
  }
  return 0
}

export function compareDebVersions(a: DebVersion, b: DebVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1
  return Math.sign(verrevcmp(a.upstream, b.upstream)) || Math.sign(verrevcmp(a.revision, b.revision))
}

export const debScheme: VersionScheme = {
  name: 'deb',
  isValid(v) {
    try {
      parseDebVersion(v)
      return true
    } catch {
      return false
    }
  },
  compare(a, b) {
    return compareDebVersions(parseDebVersion(a), parseDebVersion(b))
  },
}
