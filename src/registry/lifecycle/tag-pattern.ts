/**
 * Tag filters of a `tagged` rule. tagPatternList entries are whole-tag patterns in which `*`
 * stands for any run of characters (possibly empty) and every other character is literal; there
 * is no other wildcard and no escape, as in ECR. Matching splits the pattern at its stars and
 * finds the pieces left to right: for `*`-only globs the leftmost occurrence of each middle piece
 * is always a right choice, so this never backtracks and costs O(pattern × tag).
 */

/** Characters a tag may contain (OCI tag grammar); a list entry with others could never match. */
export const TAG_CHARS = /^[A-Za-z0-9._-]+$/
export const PATTERN_CHARS = /^[A-Za-z0-9._*-]+$/

export function wildcardCount(pattern: string): number {
  let n = 0
  for (const c of pattern) if (c === '*') n++
  return n
}

export function matchesTagPattern(pattern: string, tag: string): boolean {
  const pieces = pattern.split('*')
  if (pieces.length === 1) return pattern === tag
  const first = pieces[0] ?? ''
  const last = pieces[pieces.length - 1] ?? ''
  if (first.length + last.length > tag.length || !tag.startsWith(first) || !tag.endsWith(last)) return false
  let at = first.length
  const end = tag.length - last.length
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? ''
    const found = tag.indexOf(piece, at)
    if (found < 0 || found + piece.length > end) return false
    at = found + piece.length
  }
  return true
}

/** ECR's rule: an image is selected when EVERY prefix starts at least one of its tags. */
export function matchesEveryPrefix(prefixes: readonly string[], tags: readonly string[]): boolean {
  return prefixes.every((prefix) => tags.some((tag) => tag.startsWith(prefix)))
}

/** The same AND over patterns: every pattern matches at least one of the image's tags. */
export function matchesEveryPattern(patterns: readonly string[], tags: readonly string[]): boolean {
  return patterns.every((pattern) => tags.some((tag) => matchesTagPattern(pattern, tag)))
}
