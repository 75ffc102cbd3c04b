/**
 * The PyPI ecosystem's ordering: PEP 440 for every version that parses (see pep440.ts), and
 * the pre-PEP 440 "legacy" ordering for the rest, as packaging < 22 (`LegacyVersion`) and
 * setuptools' old `parse_version` did. Old releases on PyPI still carry such versions
 * (`0.9-doduo`, `2013-01-21T20:33:09+0100`), and advisories name them, so the scanner must be
 * able to order them. Every legacy version sorts before every PEP 440 version.
 *
 * Legacy key: the lower-cased version is cut into digit runs, letter runs, `.` and `-`, and the
 * text between them; `pre`, `preview` and `rc` become `c`, `dev` becomes `@` and `-` becomes
 * `final-`. Numbers are zero-padded to 8 places, other parts get a `*` prefix, `*final` is
 * appended, trailing zero numbers are dropped before each non-number and a `final-` before a
 * pre-release tag. Keys compare part by part as strings, a shorter key first.
 *
 * `pep440Scheme` stays strict (what packaging >= 22 accepts); this scheme is what `PyPI`
 * advisories are matched with.
 */
import { comparePep440, parsePep440, type Pep440Key } from './pep440.ts'
import { InvalidVersionError, type VersionScheme } from './scheme.ts'

// A Map, not an object literal: version text must never reach Object.prototype keys.
const REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  ['pre', 'c'], ['preview', 'c'], ['-', 'final-'], ['rc', 'c'], ['dev', '@'],
])

/** The comparison key packaging < 22 gave a LegacyVersion (its epoch, -1, is implied). */
export function legacyKey(version: string): string[] {
  const pieces = version.toLowerCase().split(/(\d+|[a-z]+|\.|-)/)
  const parts: string[] = []
  // The trailing `final` becomes the `*final` that keeps a/b/c tags before the final release.
  for (const piece of [...pieces, 'final']) {
    const mapped = REPLACEMENTS.get(piece) ?? piece
    if (mapped === '' || mapped === '.') continue
    const part = mapped[0]! >= '0' && mapped[0]! <= '9' ? mapped.padStart(8, '0') : `*${mapped}`
    if (part.startsWith('*')) {
      if (part < '*final') while (parts.at(-1) === '*final-') parts.pop()
      while (parts.at(-1) === '00000000') parts.pop()
    }
    parts.push(part)
  }
  return parts
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  }
  return Math.sign(a.length - b.length)
}

type Parsed =
  | { readonly legacy: false; readonly key: Pep440Key }
  | { readonly legacy: true; readonly key: string[] }

function parse(v: string): Parsed {
  if (v.trim() === '') throw new InvalidVersionError('pep440', v, 'empty version')
  try {
    return { legacy: false, key: parsePep440(v) }
  } catch {
    return { legacy: true, key: legacyKey(v) }
  }
}

export const pypiScheme: VersionScheme = {
  name: 'pep440',
  isValid: (v) => v.trim() !== '',
  compare(a, b) {
    const x = parse(a)
    const y = parse(b)
    if (!x.legacy && !y.legacy) return comparePep440(x.key, y.key)
    if (x.legacy && y.legacy) return compareKeys(x.key, y.key)
    return x.legacy ? -1 : 1
  },
}
