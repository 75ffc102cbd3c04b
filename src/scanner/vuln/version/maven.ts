/**
 * Maven versions, ordered exactly as Maven's `ComparableVersion` orders them.
 *
 * A version is lower-cased and parsed into nested lists: `.` separates items in the same list,
 * `-` (and a switch between digits and letters) opens a sub-list. Items are numbers (any length,
 * leading zeros ignored) or qualifiers. Known qualifiers rank
 * `alpha < beta < milestone < rc < snapshot < "" (release) < sp`, with `cr` = `rc` and
 * `ga` = `final` = `release` = "", and `a`/`b`/`m` directly followed by a digit meaning
 * alpha/beta/milestone. Unknown qualifiers sort after `sp`, alphabetically. Trailing "null"
 * items (0, "", empty lists) are trimmed from every list, so `1` = `1.0` = `1-0` = `1.ga`.
 *
 * This is ComparableVersion as the shared native vectors record it: a list compares with
 * "nothing" by all of its items (MNG-6964), numbers of different Java classes (int/long/BigInteger)
 * compare by class, and a qualifier after `.` stays in the same list (the later MNG-7644 change,
 * `1.0.0.X1 < 1.0.0-X2`, is not applied: it would reorder 18 of the native vectors).
 *
 * Comparing: number > list > qualifier; a missing item compares as "null" (so `1-sp` > `1` but
 * `1-rc` < `1`). Every string is a valid Maven version except the empty one and one nested more
 * than 256 levels deep (a guard against hostile input; Maven itself would overflow its stack).
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts'
import { compareDecimal } from './semver.ts'

type Item =
  /** `size` is Maven's int/long/BigInteger item class: 0, 1 or 2 by digit count. */
  | { readonly kind: 'int'; readonly digits: string; readonly size: number }
  | { readonly kind: 'str'; readonly rank: string }
  | { readonly kind: 'list'; readonly items: Item[] }

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'] as const
const RELEASE_RANK = String(QUALIFIERS.indexOf(''))
// Maps, not object literals: qualifiers are untrusted text (`constructor`, `__proto__`).
const ALIASES: ReadonlyMap<string, string> = new Map([['ga', ''], ['final', ''], ['release', ''], ['cr', 'rc']])
const SHORTHANDS: ReadonlyMap<string, string> = new Map([['a', 'alpha'], ['b', 'beta'], ['m', 'milestone']])

/** Known qualifiers rank by position; unknown ones after all of them, by name. */
function qualifierRank(q: string): string {
  const i = (QUALIFIERS as readonly string[]).indexOf(q)
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i)
}

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = followedByDigit && value.length === 1 ? (SHORTHANDS.get(value) ?? value) : value
  v = ALIASES.get(v) ?? v
  return { kind: 'str', rank: qualifierRank(v) }
}

const ZERO: Item = { kind: 'int', digits: '0', size: 0 }

function parseItem(isDigit: boolean, text: string): Item {
  if (!isDigit) return stringItem(text, false)
  // Maven strips leading zeros, except from an all-zero run, then picks int (<= 9 digits), long
  // (<= 18) or BigInteger; items of different classes compare by class alone.
  const stripped = /^0+$/.test(text) ? text : text.replace(/^0+/, '')
  const size = stripped.length <= 9 ? 0 : stripped.length <= 18 ? 1 : 2
  return { kind: 'int', digits: stripped.replace(/^0+(?=\d)/, ''), size }
}

const isNull = (item: Item): boolean =>
  item.kind === 'int' ? item.digits === '0' : item.kind === 'str' ? item.rank === RELEASE_RANK : item.items.length === 0

/** Drops trailing null items, stopping at the first non-null item that is not a list. */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!
    if (isNull(item)) list.splice(i, 1)
    else if (item.kind !== 'list') break
  }
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9'

// Every `-` and digit/letter switch nests a list; comparison recurses into them. Real versions
// nest a handful of levels, so a hostile `1-1-1-...` is refused instead of exhausting the stack.
const MAX_NESTING = 256

export function parseMavenVersion(version: string): Item {
  if (version === '') throw new InvalidVersionError('maven', version, 'empty version')
  const v = version.toLowerCase()
  const root: Item[] = []
  const stack: Item[][] = [root]
  let list = root
  let digit = false
  let start = 0
  const openList = (): void => {
    if (stack.length > MAX_NESTING) {
      throw new InvalidVersionError('maven', version, `nested deeper than ${MAX_NESTING} levels`)
    }
    const next: Item[] = []
    list.push({ kind: 'list', items: next })
    list = next
    stack.push(next)
  }
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!
    if (c === '.' || c === '-') {
      list.push(i === start ? ZERO : parseItem(digit, v.slice(start, i)))
      start = i + 1
      if (c === '-') openList()
    } else if (isDigit(c)) {
      if (!digit && i > start) {
        list.push(stringItem(v.slice(start, i), true))
        start = i
        openList()
      }
      digit = true
    } else {
      if (digit && i > start) {
        list.push(parseItem(true, v.slice(start, i)))
        start = i
        openList()
      }
      digit = false
    }
  }
  if (v.length > start) list.push(parseItem(digit, v.slice(start)))
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i]!)
  return { kind: 'list', items: root }
}

/** Compares an item with a missing one (Maven's `compareTo(null)`). */
function compareWithNull(a: Item): number {
  if (a.kind === 'int') return a.digits === '0' ? 0 : 1
  if (a.kind === 'str') return a.rank < RELEASE_RANK ? -1 : a.rank > RELEASE_RANK ? 1 : 0
  // Every item counts, not just the first (Maven 3.9, MNG-6964).
  for (const item of a.items) {
    const c = compareWithNull(item)
    if (c !== 0) return c
  }
  return 0
}

export function compareMavenItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareWithNull(b)
  if (b === undefined) return compareWithNull(a)
  if (a.kind === 'int') {
    if (b.kind !== 'int') return 1
    return Math.sign(a.size - b.size) || compareDecimal(a.digits, b.digits)
  }
  if (a.kind === 'str') {
    if (b.kind !== 'str') return -1
    return a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0
  }
  if (b.kind === 'int') return -1
  if (b.kind === 'str') return 1
  const n = Math.max(a.items.length, b.items.length)
  for (let i = 0; i < n; i++) {
    const c = compareMavenItems(a.items[i], b.items[i])
    if (c !== 0) return c
  }
  return 0
}

export const mavenScheme: VersionScheme = {
  name: 'maven',
  isValid(v) {
    try {
      parseMavenVersion(v)
      return true
    } catch {
      return false
    }
  },
  compare: (a, b) => compareMavenItems(parseMavenVersion(a), parseMavenVersion(b)),
}
