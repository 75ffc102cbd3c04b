/**
 * RPM versions, ordered as rpm's rpmvercmp() and labelCompare() order them. A version string is
 * `[epoch:]version[-release]`, split the way rpm splits an EVR: an epoch only when the text
 * before the first `:` is all digits, the release after the last `-`. A missing epoch is 0; a
 * missing release sorts before any present one (labelCompare semantics).
 *
 * rpmvercmp walks alphabetic and numeric segments (ASCII only), skipping every other character
 * as a separator; numbers beat letters, `~` sorts before everything (pre-releases) and `^`
 * after the base version but before any further segment (post-release snapshots).
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts'

export interface RpmEvr {
  readonly epoch: string
  readonly version: string
  readonly release: string | undefined
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9'
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
const isAlnum = (c: string): boolean => isDigit(c) || isAlpha(c)

/** Splits an EVR string like rpm's parseEVR(). Only the empty string is refused. */
export function parseRpmEvr(v: string): RpmEvr {
  if (v === '') throw new InvalidVersionError('rpm', v, 'empty version')
  let s = 0
  while (s < v.length && isDigit(v[s]!)) s++
  let epoch = '0'
  let rest = v
  if (v[s] === ':') {
    epoch = s === 0 ? '0' : v.slice(0, s)
    rest = v.slice(s + 1)
  }
  const hyphen = rest.lastIndexOf('-')
  if (hyphen === -1) return { epoch, version: rest, release: undefined }
  return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) }
}

/** rpm's rpmvercmp() on two version (or release) strings; -1, 0 or 1. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0
  let i = 0
  let j = 0
  const sep = (c: string | undefined): boolean => c !== undefined && !isAlnum(c) && c !== '~' && c !== '^'
  while (i < a.length || j < b.length) {
    while (sep(a[i])) i++
    while (sep(b[j])) j++
    const ca = a[i]
    const cb = b[j]
    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1
      if (cb !== '~') return -1
      i++
      j++
      continue
    }
    if (ca === '^' || cb === '^') {
      if (ca === undefined) return -1
      if (cb === undefined) return 1
      if (ca !== '^') return 1
      if (cb !== '^') return -1
      i++
      j++
      continue
    }
    if (ca === undefined || cb === undefined) break
    const numeric = isDigit(ca)
    const inSegment = numeric ? isDigit : isAlpha
    let ei = i
    let ej = j
    while (ei < a.length && inSegment(a[ei]!)) ei++
    while (ej < b.length && inSegment(b[ej]!)) ej++
    // A numeric segment against an alphabetic one: the number is newer.
    if (ej === j) return numeric ? 1 : -1
    let sa = i
    let sb = j
    if (numeric) {
      while (sa < ei && a[sa] === '0') sa++
      while (sb < ej && b[sb] === '0') sb++
      if (ei - sa !== ej - sb) return ei - sa > ej - sb ? 1 : -1
    }
    const segA = a.slice(sa, ei)
    const segB = b.slice(sb, ej)
    if (segA !== segB) return segA < segB ? -1 : 1
    i = ei
    j = ej
  }
  if (i >= a.length && j >= b.length) return 0
  return i >= a.length ? -1 : 1
}

/** labelCompare(): epoch, then version, then release (absent < present). */
export function compareRpmEvr(a: RpmEvr, b: RpmEvr): number {
  const byEpoch = rpmvercmp(a.epoch, b.epoch)
  if (byEpoch !== 0) return byEpoch
  const byVersion = rpmvercmp(a.version, b.version)
  if (byVersion !== 0) return byVersion
  if (a.release === undefined || b.release === undefined) {
    if (a.release === b.release) return 0
    return a.release === undefined ? -1 : 1
  }
  return rpmvercmp(a.release, b.release)
}

export const rpmScheme: VersionScheme = {
  name: 'rpm',
  isValid: (v) => v !== '',
  compare: (a, b) => compareRpmEvr(parseRpmEvr(a), parseRpmEvr(b)),
}
