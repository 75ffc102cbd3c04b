/**
 * Python package versions per PEP 440, ordered as pypa `packaging.version.Version` orders them:
 * `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`.
 *
 * Alternative spellings normalise as the PEP says: case-insensitive, optional `v` prefix and
 * surrounding whitespace, `-`, `_` or `.` (or nothing) around pre/post/dev markers, `alpha`/
 * `beta`/`c`/`pre`/`preview` for a/b/rc, `rev`/`r` for post, implicit post releases (`1.0-1`),
 * missing numbers as 0, and `-`/`_` in local versions as `.`.
 *
 * Order: epoch, release (trailing zeros ignored), then pre-release, post-release, dev-release
 * and local version. A dev release of a final version sorts before its pre-releases; a local
 * version sorts after the same public version, and inside local versions numeric parts sort
 * after alphanumeric ones. Legacy (non-PEP 440) versions are invalid, as in packaging >= 22.
 * Numbers compare exactly at any length.
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts'
import { compareDecimal } from './semver.ts'

const SEP = '[-_.]?'
const PEP440_RE = new RegExp(
  '^\\s*v?' +
    '(?:(\\d+)!)?' + // epoch
    '(\\d+(?:\\.\\d+)*)' + // release
    `(?:${SEP}(alpha|beta|preview|pre|rc|a|b|c)${SEP}(\\d+)?)?` + // pre-release
    `(?:-(\\d+)|${SEP}(post|rev|r)${SEP}(\\d+)?)?` + // post-release (implicit or spelled)
    `(?:${SEP}(dev)${SEP}(\\d+)?)?` + // dev release
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?' + // local version
    '\\s*$',
  'i',
)

// Sentinels for absent parts, placed as packaging does (below or above every real value).
const LOW = -1
const HIGH = 1

/** A pre/post/dev part: a sentinel when absent, else its normalised label rank and number. */
type Part = number | { readonly rank: number; readonly n: string }

export interface Pep440Key {
  readonly epoch: string
  readonly release: readonly string[]
  readonly pre: Part
  readonly post: Part
  readonly dev: Part
  /** Absent: LOW. Parts: numbers as decimal strings, words lower-cased. */
  readonly local: number | ReadonlyArray<{ readonly num: boolean; readonly v: string }>
}

const PRE_RANK: ReadonlyMap<string, number> = new Map([
  ['a', 0], ['alpha', 0], ['b', 1], ['beta', 1], ['c', 2], ['rc', 2], ['pre', 2], ['preview', 2],
])

export function parsePep440(v: string): Pep440Key {
  const m = PEP440_RE.exec(v)
  if (!m) throw new InvalidVersionError('pep440', v, 'not a PEP 440 version')
  const [, epoch, release, preL, preN, postN1, postL, postN2, devL, devN, local] = m
  const parts = release!.split('.')
  // Trailing zeros do not count: 1.0 == 1.0.0 == 1.
  let end = parts.length
  while (end > 0 && /^0+$/.test(parts[end - 1]!)) end--
  const hasPost = postN1 !== undefined || postL !== undefined
  const post: Part = hasPost ? { rank: 0, n: postN1 ?? postN2 ?? '0' } : LOW
  const dev: Part = devL !== undefined ? { rank: 0, n: devN ?? '0' } : HIGH
  let pre: Part = HIGH
  if (preL !== undefined) pre = { rank: PRE_RANK.get(preL.toLowerCase())!, n: preN ?? '0' }
  // A bare dev release (1.0.dev1) sorts before the pre-releases of its version.
  else if (!hasPost && devL !== undefined) pre = LOW
  return {
    epoch: epoch ?? '0',
    release: parts.slice(0, end),
    pre,
    post,
    dev,
    local:
      local === undefined
        ? LOW
        : local.split(/[-_.]/).map((p) => ({ num: /^\d+$/.test(p), v: p.toLowerCase() })),
  }
}

function comparePart(a: Part, b: Part): number {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'number' ? a : 0
    const y = typeof b === 'number' ? b : 0
    return Math.sign(x - y)
  }
  return Math.sign(a.rank - b.rank) || compareDecimal(a.n, b.n)
}

function compareRelease(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareDecimal(a[i]!, b[i]!)
    if (c !== 0) return c
  }
  return Math.sign(a.length - b.length)
}

function compareLocal(a: Pep440Key['local'], b: Pep440Key['local']): number {
  if (typeof a === 'number' || typeof b === 'number') {
    return Math.sign((typeof a === 'number' ? a : 0) - (typeof b === 'number' ? b : 0))
  }
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x.num !== y.num) return x.num ? 1 : -1
    const c = x.num ? compareDecimal(x.v, y.v) : x.v < y.v ? -1 : x.v > y.v ? 1 : 0
    if (c !== 0) return c
  }
  return Math.sign(a.length - b.length)
}

export function comparePep440(a: Pep440Key, b: Pep440Key): number {
  return (
    compareDecimal(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    comparePart(a.pre, b.pre) ||
    comparePart(a.post, b.post) ||
    comparePart(a.dev, b.dev) ||
    compareLocal(a.local, b.local)
  )
}

export const pep440Scheme: VersionScheme = {
  name: 'pep440',
  isValid: (v) => PEP440_RE.test(v),
  compare: (a, b) => comparePep440(parsePep440(a), parsePep440(b)),
}
