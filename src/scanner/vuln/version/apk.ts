/**
 * Alpine (apk-tools) package versions: `{digits}{.digits}...{letter}{_suffix{digits}}...{-r{digits}}`.
 * Ordering follows apk-tools 2.x (the apk in Alpine 3.x images, which produced the shared native
 * vectors): both versions are read token by token (number, letter, suffix, suffix number,
 * revision) and the first differing token decides. Pre-release suffixes (_alpha, _beta, _pre,
 * _rc) sort before the bare version, post-release ones (_cvs, _svn, _git, _hg, _p) after it. A
 * run of zeros right after a dot is its own token worth minus its length (so `1.01` < `1.1`),
 * and `-rN` revisions compare numerically.
 *
 * Like `apk version -t`, the comparison accepts malformed strings and orders them up to the
 * first token that does not fit; `isValid` therefore accepts every non-empty string, and
 * `isStrictApkVersion` reports whether a version follows the grammar (what abuild enforces).
 * Numbers are compared exactly, however long (apk's C int would overflow past 10 digits).
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts'

// Token kinds, in apk-tools' order: a later kind may only follow an earlier one.
const INVALID = -1
const DIGIT_OR_ZERO = 0
const DIGIT = 1
const LETTER = 2
const SUFFIX = 3
const SUFFIX_NO = 4
const REVISION_NO = 5
const END = 6

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'] as const
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'] as const

/** A token value: a small integer, or the decimal digits (no leading zeros) of a number token. */
type TokenValue = number | string

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z'

/** A cursor over one version string: `type` is the kind of the token at the cursor. */
class Tokens {
  readonly #s: string
  #pos = 0
  type: number = DIGIT

  constructor(s: string) {
    this.#s = s
  }

  /** Reads the value of the current token and moves on to the kind of the next one. */
  next(): TokenValue {
    const s = this.#s
    if (this.#pos >= s.length) {
      this.type = END
      return 0
    }
    const start = this.#pos
    let value: TokenValue = 0
    let forced = INVALID
    // A run of zeros right after a dot is its own token, worth minus its length.
    const zeroRun = this.type === DIGIT_OR_ZERO && s[start] === '0'
    switch (zeroRun ? -2 : this.type) {
      case -2:
        while (s[this.#pos] === '0') this.#pos++
        forced = DIGIT
        value = -(this.#pos - start)
        break
      case DIGIT_OR_ZERO:
      case DIGIT:
      case SUFFIX_NO:
      case REVISION_NO:
        while (isDigit(s[this.#pos])) this.#pos++
        value = s.slice(start, this.#pos).replace(/^0+/, '') || 0
        break
      case LETTER:
        value = s.charCodeAt(this.#pos++)
        break
      case SUFFIX: {
        const found = this.#suffix()
        if (found === undefined) {
          this.type = INVALID
          return -1
        }
        value = found
        break
      }
      default:
        this.type = INVALID
        return -1
    }
    if (this.#pos >= s.length) this.type = END
    else if (forced !== INVALID) this.type = forced
    else this.#advanceKind()
    return value
  }

  #suffix(): number | undefined {
    const rest = this.#s.slice(this.#pos, this.#pos + 5)
    const pre = PRE_SUFFIXES.findIndex((p) => rest.startsWith(p))
    if (pre !== -1) {
      this.#pos += PRE_SUFFIXES[pre]!.length
      return pre - PRE_SUFFIXES.length
    }
    const post = POST_SUFFIXES.findIndex((p) => rest.startsWith(p))
    if (post === -1) return undefined
    this.#pos += POST_SUFFIXES[post]!.length
    return post
  }

  /** Decides the kind of the token that starts at the cursor, consuming its separator. */
  #advanceKind(): void {
    const s = this.#s
    const prev = this.type
    const c = s[this.#pos]
    let n = INVALID
    if (c === undefined || c === '\0') n = END
    else if ((prev === DIGIT || prev === DIGIT_OR_ZERO) && isLower(c)) n = LETTER
    else if (prev === LETTER && isDigit(c)) n = DIGIT
    else if (prev === SUFFIX && isDigit(c)) n = SUFFIX_NO
    else {
      if (c === '.') n = DIGIT_OR_ZERO
      else if (c === '_') n = SUFFIX
      else if (c === '-' && s[this.#pos + 1] === 'r') {
        n = REVISION_NO
        this.#pos++
      }
      this.#pos++
    }
    if (n < prev) {
      const allowed =
        (n === DIGIT_OR_ZERO && prev === DIGIT) ||
        (n === SUFFIX && prev === SUFFIX_NO) ||
        (n === DIGIT && prev === LETTER)
      if (!allowed) n = INVALID
    }
    this.type = n
  }
}

function compareValues(a: TokenValue, b: TokenValue): number {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a.length !== b.length) return a.length < b.length ? -1 : 1
    return a < b ? -1 : a > b ? 1 : 0
  }
  // A digit string longer than 15 characters exceeds every small token value.
  const x = typeof a === 'string' ? (a.length > 15 ? Infinity : Number(a)) : a
  const y = typeof b === 'string' ? (b.length > 15 ? Infinity : Number(b)) : b
  return x < y ? -1 : x > y ? 1 : 0
}

/** Reads the suffix at the cursor: pre-release suffixes and unknown ones have negative values. */
const suffixSortsLow = (t: Tokens): boolean => {
  const v = t.next()
  return typeof v === 'number' && v < 0
}

function compareApk(a: string, b: string): number {
  const ta = new Tokens(a)
  const tb = new Tokens(b)
  let va: TokenValue = 0
  let vb: TokenValue = 0
  while (ta.type === tb.type && ta.type !== END && ta.type !== INVALID && compareValues(va, vb) === 0) {
    va = ta.next()
    vb = tb.next()
  }
  const byValue = compareValues(va, vb)
  if (byValue !== 0) return byValue
  if (ta.type === tb.type) return 0
  // Equal so far: the longer version is newer, unless what follows is a pre-release suffix.
  if (ta.type === SUFFIX && suffixSortsLow(ta)) return -1
  if (tb.type === SUFFIX && suffixSortsLow(tb)) return 1
  return ta.type > tb.type ? -1 : tb.type > ta.type ? 1 : 0
}

/** True when `v` follows the apk version grammar exactly (apk_version_validate). */
export function isStrictApkVersion(v: string): boolean {
  const t = new Tokens(v)
  while (t.type !== END && t.type !== INVALID) t.next()
  return t.type === END
}

export const apkScheme: VersionScheme = {
  name: 'apk',
  isValid: (v) => v !== '',
  compare(a, b) {
    for (const v of [a, b]) if (v === '') throw new InvalidVersionError('apk', v, 'empty version')
    return compareApk(a, b)
  },
}
