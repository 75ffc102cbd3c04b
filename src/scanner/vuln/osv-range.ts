/**
 * OSV affected-range evaluation, following the schema's "Evaluation" section:
 *
 * - a version is affected by an `affected[]` entry if it lies in any SEMVER/ECOSYSTEM range or is
 *   listed verbatim in `versions`; GIT ranges describe commits and are ignored here;
 * - inside a range the events are sorted by version (`introduced: "0"` sorts before everything)
 *   and walked in order: `introduced` <= v opens, `fixed` <= v closes, `last_affected` < v closes;
 * - `limit` events bound the whole range: v must be below at least one limit (`*` is infinity).
 *
 * The fixed versions reported are the `fixed` events that close the interval the version lies in,
 * so a record with several branches (2.0.0..2.0.6 and 0..1.26.17) reports only the branch's fix.
 */
import type { OsvAffected, OsvEvent, OsvRange } from './osv.ts'
import type { VersionScheme } from './version/scheme.ts'

export interface AffectedResult {
  readonly affected: boolean
  /** Fix versions for the branch the version lies in; empty when affected but unfixed. */
  readonly fixedVersions: readonly string[]
  /** Event versions the scheme could not parse; those events were ignored. */
  readonly invalidVersions: readonly string[]
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit'
interface Event {
  readonly kind: Kind
  readonly version: string
}

function toEvent(e: OsvEvent): Event {
  if ('introduced' in e) return { kind: 'introduced', version: e.introduced }
  if ('fixed' in e) return { kind: 'fixed', version: e.fixed }
  if ('last_affected' in e) return { kind: 'last_affected', version: e.last_affected }
  return { kind: 'limit', version: e.limit }
}

function isZero(e: Event): boolean {
  return e.kind === 'introduced' && e.version === '0'
}

function isInfinite(e: Event): boolean {
  return e.kind === 'limit' && e.version === '*'
}

interface RangeResult {
  readonly affected: boolean
  readonly fixed?: string
}

/**
 * Evaluates one range. `version` must be valid under `scheme` (checked by the caller); events with
 * versions the scheme rejects are dropped and reported through `invalid`.
 */
function evaluateRange(version: string, range: OsvRange, scheme: VersionScheme, invalid: string[]): RangeResult {
  const events: Event[] = []
  for (const raw of range.events) {
    const e = toEvent(raw)
    if (isZero(e) || isInfinite(e) || scheme.isValid(e.version)) events.push(e)
    else invalid.push(e.version)
  }
  const cmp = (a: Event, b: Event): number => {
    if (isZero(a) || isInfinite(b)) return isZero(b) || isInfinite(a) ? 0 : -1
    if (isZero(b) || isInfinite(a)) return 1
    return scheme.compare(a.version, b.version)
  }
  events.sort(cmp)

  const limits = events.filter((e) => e.kind === 'limit')
  if (limits.length > 0 && !limits.some((l) => isInfinite(l) || scheme.compare(version, l.version) < 0)) {
    return { affected: false }
  }

  let vulnerable = false
  let next: Event | undefined
  for (const e of events) {
    // Where the installed version sits relative to this event (version - event).
    const order = isZero(e) ? 1 : isInfinite(e) ? -1 : scheme.compare(version, e.version)
    if (e.kind === 'introduced' && order >= 0) vulnerable = true
    else if (e.kind === 'fixed' && order >= 0) vulnerable = false
    else if (e.kind === 'last_affected' && order > 0) vulnerable = false
    // The first closing event above the version is the one that ends its interval.
    if (next === undefined && order < 0 && (e.kind === 'fixed' || e.kind === 'last_affected')) next = e
  }
  if (!vulnerable) return { affected: false }
  return next?.kind === 'fixed' ? { affected: true, fixed: next.version } : { affected: true }
}

/**
 * Whether `version` is affected by one OSV `affected[]` entry, under the given version scheme.
 * Throws the scheme's InvalidVersionError when `version` itself does not parse: the caller decides
 * whether that is an unknown in the report or a skip.
 */
export function evaluateAffected(version: string, affected: OsvAffected, scheme: VersionScheme): AffectedResult {
  if (!scheme.isValid(version)) {
    // Let the scheme produce its own typed error.
    scheme.compare(version, version)
  }
  const invalid: string[] = []
  const fixed = new Set<string>()
  let hit = false
  for (const range of affected.ranges ?? []) {
    if (range.type === 'GIT') continue
    const r = evaluateRange(version, range, scheme, invalid)
    if (!r.affected) continue
    hit = true
    if (r.fixed !== undefined) fixed.add(r.fixed)
  }
  if (!hit && affected.versions?.includes(version) === true) hit = true
  return { affected: hit, fixedVersions: hit ? [...fixed] : [], invalidVersions: invalid }
}
