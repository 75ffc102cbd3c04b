/**
 * RubyGems versions, ordered as `Gem::Version#<=>` orders them.
 *
 * A version is digits followed by `.`-separated alphanumeric parts and an optional `-` part
 * (`1.2.3`, `1.0.a`, `2.0.0.rc1`, `1.0.0-beta.2`); surrounding whitespace is ignored and each `-`
 * means `.pre.`. The version is cut into digit runs and letter runs; any letter makes it a
 * pre-release. Trailing zeros are dropped from the numeric head and from the part after the
 * first letters (`1.0` = `1`, `1.a.0` = `1.a`). Then segments compare in turn, a missing one as 0:
 * numbers numerically (any length), strings byte-wise (case-sensitive), and a string sorts before
 * a number (so `1.a` < `1` < `1.0.1`).
 *
 * Gem treats a blank string as version 0; here it is invalid, because an empty version in an
 * inventory or advisory is a data error, not version 0.
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts'
import { compareDecimal } from './semver.ts'

const GEM_RE = /^\s*[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$/

type Segment = { readonly num: true; readonly v: string } | { readonly num: false; readonly v: string }

export function gemSegments(v: string): Segment[] {
  if (!GEM_RE.test(v)) throw new InvalidVersionError('rubygems', v, 'malformed version number string')
  const normalized = v.trim().replaceAll('-', '.pre.')
  const raw: Segment[] = (normalized.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) =>
    /^\d/.test(s) ? { num: true, v: s.replace(/^0+(?=\d)/, '') } : { num: false, v: s },
  )
  const firstString = raw.findIndex((s) => !s.num)
  const head = firstString === -1 ? raw : raw.slice(0, firstString)
  const tail = firstString === -1 ? [] : raw.slice(firstString)
  return [...dropTrailingZeros(head), ...dropTrailingZeros(tail)]
}

function dropTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length
  while (end > 0 && segments[end - 1]!.num && segments[end - 1]!.v === '0') end--
  return segments.slice(0, end)
}

const ZERO: Segment = { num: true, v: '0' }

export function compareGemSegments(a: readonly Segment[], b: readonly Segment[]): number {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? ZERO
    const y = b[i] ?? ZERO
    if (x.num && y.num) {
      const c = compareDecimal(x.v, y.v)
      if (c !== 0) return c
    } else if (x.num !== y.num) {
      return x.num ? 1 : -1
    } else if (x.v !== y.v) {
      return x.v < y.v ? -1 : 1
    }
  }
  return 0
}

export const rubygemsScheme: VersionScheme = {
  name: 'rubygems',
  isValid: (v) => GEM_RE.test(v),
  compare: (a, b) => compareGemSegments(gemSegments(a), gemSegments(b)),
}
