/**
 * PHP's `version_compare()` (ext/standard/versioning.c), which Composer uses to order versions
 * once it has normalised them.
 *
 * Canonical form: `-`, `_`, `+` and any other non-alphanumeric character become `.`, and a `.`
 * is inserted wherever digits and non-digits meet (`1.0rc1` -> `1.0.rc.1`). Elements then compare
 * in turn: numbers numerically (as C longs, so anything above 2^63-1 counts as 2^63-1), words by
 * their special-form rank found by prefix (`dev` < `alpha`/`a` < `beta`/`b` < `RC`/`rc` < number
 * < `pl`/`p`; any other word ranks below all of them), and a word against a number by those
 * ranks. When one version runs out, the rest of the other decides: a number makes it newer, a
 * word is ranked against a number (so `1.0` > `1.0.rc1` but `1.0` < `1.0.pl1`).
 */

const SPECIAL_FORMS: ReadonlyArray<readonly [string, number]> = [
  ['dev', 0], ['alpha', 1], ['a', 1], ['beta', 2], ['b', 2], ['RC', 3], ['rc', 3], ['#', 4], ['pl', 5], ['p', 5],
]
const NUMBER_FORM = '#N#'
const LONG_MAX = 9223372036854775807n

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'
const isAlnum = (c: string): boolean => isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')

/** The canonical form version_compare() splits on dots. */
export function canonicalizePhpVersion(v: string): string {
  if (v === '') return ''
  let out = v[0]!
  let last = v[0]!
  for (let i = 1; i < v.length; i++) {
    const c = v[i]!
    const dotted = out.endsWith('.')
    if (c === '-' || c === '_' || c === '+') {
      if (!dotted) out += '.'
    } else if ((!isDigit(last) && last !== '.' && isDigit(c)) || (isDigit(last) && !isDigit(c) && c !== '.')) {
      if (!dotted) out += '.'
      out += c
    } else if (!isAlnum(c)) {
      if (!dotted) out += '.'
    } else {
      out += c
    }
    last = c
  }
  return out
}

function specialRank(form: string): number {
  for (const [name, rank] of SPECIAL_FORMS) if (form.startsWith(name)) return rank
  return -1
}

const compareSpecial = (a: string, b: string): number => Math.sign(specialRank(a) - specialRank(b))

/** strtol() on a digit run: the value, saturated at LONG_MAX. */
function strtol(digits: string): bigint {
  const run = /^\d*/.exec(digits)![0].replace(/^0+/, '')
  if (run.length > 19) return LONG_MAX
  const n = BigInt(run || '0')
  return n > LONG_MAX ? LONG_MAX : n
}

/** version_compare($a, $b): -1, 0 or 1. */
export function phpVersionCompare(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a !== '' ? 1 : -1
  const v1 = a.startsWith('#') ? a : canonicalizePhpVersion(a)
  const v2 = b.startsWith('#') ? b : canonicalizePhpVersion(b)
  let i1 = 0
  let i2 = 0
  let more1 = true
  let more2 = true
  let compare = 0
  while (i1 < v1.length && i2 < v2.length && more1 && more2) {
    const d1 = v1.indexOf('.', i1)
    const d2 = v2.indexOf('.', i2)
    more1 = d1 !== -1
    more2 = d2 !== -1
    const e1 = more1 ? d1 : v1.length
    const e2 = more2 ? d2 : v2.length
    const p1 = v1.slice(i1, e1)
    const p2 = v2.slice(i2, e2)
    if (isDigit(p1[0]) && isDigit(p2[0])) {
      const x = strtol(p1)
      const y = strtol(p2)
      compare = x < y ? -1 : x > y ? 1 : 0
    } else if (!isDigit(p1[0]) && !isDigit(p2[0])) {
      compare = compareSpecial(p1, p2)
    } else {
      compare = isDigit(p1[0]) ? compareSpecial(NUMBER_FORM, p2) : compareSpecial(p1, NUMBER_FORM)
    }
    if (compare !== 0) break
    if (more1) i1 = e1 + 1
    if (more2) i2 = e2 + 1
  }
  if (compare === 0) {
    if (more1) compare = isDigit(v1[i1]) ? 1 : phpVersionCompare(v1.slice(i1), NUMBER_FORM)
    else if (more2) compare = isDigit(v2[i2]) ? -1 : phpVersionCompare(NUMBER_FORM, v2.slice(i2))
  }
  return compare
}
