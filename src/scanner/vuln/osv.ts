/**
 * The OSV advisory model (https://ossf.github.io/osv-schema/) and a validating parser.
 *
 * Only the fields Drydock reads are typed; everything else in a record is kept in the raw JSON
 * the database stores. The parser never throws on bad input: it returns `{ ok: false, reason }`
 * so importers can skip and count a malformed record without aborting a whole import.
 */

export type OsvRangeType = 'SEMVER' | 'ECOSYSTEM' | 'GIT'
export type OsvSeverityType = 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu'

/** One event; exactly one key is set. */
export type OsvEvent =
  | { readonly introduced: string }
  | { readonly fixed: string }
  | { readonly last_affected: string }
  | { readonly limit: string }

export interface OsvRange {
  readonly type: OsvRangeType
  readonly repo?: string
  readonly events: readonly OsvEvent[]
}

export interface OsvPackage {
  readonly ecosystem: string
  readonly name: string
  readonly purl?: string
}

export interface OsvSeverity {
  readonly type: string
  readonly score: string
}

export interface OsvAffected {
  readonly package?: OsvPackage
  readonly severity?: readonly OsvSeverity[]
  readonly ranges?: readonly OsvRange[]
  readonly versions?: readonly string[]
  readonly ecosystem_specific?: Readonly<Record<string, unknown>>
  readonly database_specific?: Readonly<Record<string, unknown>>
}

export interface OsvReference {
  readonly type: string
  readonly url: string
}

export interface OsvRecord {
  readonly schema_version?: string
  readonly id: string
  readonly modified: string
  readonly published?: string
  readonly withdrawn?: string
  readonly aliases?: readonly string[]
  readonly related?: readonly string[]
  readonly upstream?: readonly string[]
  readonly summary?: string
  readonly details?: string
  readonly severity?: readonly OsvSeverity[]
  readonly affected?: readonly OsvAffected[]
  readonly references?: readonly OsvReference[]
  readonly database_specific?: Readonly<Record<string, unknown>>
}

export type OsvParseResult =
  | { readonly ok: true; readonly record: OsvRecord }
  | { readonly ok: false; readonly id?: string; readonly reason: string }

const RANGE_TYPES: ReadonlySet<string> = new Set(['SEMVER', 'ECOSYSTEM', 'GIT'])
const EVENT_KEYS: ReadonlySet<string> = new Set(['introduced', 'fixed', 'last_affected', 'limit'])
// OSV ids are `<PREFIX>-<rest>`; we also use them in file names and SQL keys, so keep them tame.
const ID_RE = /^[A-Za-z][A-Za-z0-9._:-]{1,127}$/
// RFC 3339 in UTC as the schema requires (fractional seconds allowed).
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

class Invalid extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new Invalid(`${where} must be a string`)
  return v
}

function optStringArray(v: unknown, where: string): void {
  if (v === undefined || v === null) return
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new Invalid(`${where} must be an array of strings`)
  }
}

function optObject(v: unknown, where: string): void {
  if (v !== undefined && v !== null && !isObject(v)) throw new Invalid(`${where} must be an object`)
}

function checkTimestamp(v: unknown, where: string, required: boolean): void {
  if (v === undefined || v === null) {
    if (required) throw new Invalid(`${where} is required`)
    return
  }
  if (typeof v !== 'string' || !TIMESTAMP_RE.test(v) || Number.isNaN(Date.parse(v))) {
    throw new Invalid(`${where} is not an RFC 3339 timestamp`)
  }
}

function checkSeverities(v: unknown, where: string): void {
  if (v === undefined || v === null) return
  if (!Array.isArray(v)) throw new Invalid(`${where} must be an array`)
  v.forEach((s, i) => {
    if (!isObject(s)) throw new Invalid(`${where}[${i}] must be an object`)
    str(s['type'], `${where}[${i}].type`)
    str(s['score'], `${where}[${i}].score`)
  })
}

function checkRange(r: unknown, where: string): void {
  if (!isObject(r)) throw new Invalid(`${where} must be an object`)
  const type = str(r['type'], `${where}.type`)
  if (!RANGE_TYPES.has(type)) throw new Invalid(`${where}.type '${type}' is not SEMVER, ECOSYSTEM or GIT`)
  const events = r['events']
  if (!Array.isArray(events) || events.length === 0) throw new Invalid(`${where}.events must be a non-empty array`)
  let introduced = false
  events.forEach((e, i) => {
    if (!isObject(e)) throw new Invalid(`${where}.events[${i}] must be an object`)
    const keys = Object.keys(e)
    const key = keys[0]
    if (keys.length !== 1 || key === undefined || !EVENT_KEYS.has(key)) {
      throw new Invalid(`${where}.events[${i}] must have exactly one of introduced/fixed/last_affected/limit`)
    }
    str(e[key], `${where}.events[${i}].${key}`)
    if (key === 'introduced') introduced = true
  })
  if (!introduced) throw new Invalid(`${where} has no introduced event`)
}

function checkAffected(a: unknown, where: string): void {
  if (!isObject(a)) throw new Invalid(`${where} must be an object`)
  const pkg = a['package']
  if (pkg !== undefined) {
    if (!isObject(pkg)) throw new Invalid(`${where}.package must be an object`)
    str(pkg['ecosystem'], `${where}.package.ecosystem`)
    if (str(pkg['name'], `${where}.package.name`) === '') throw new Invalid(`${where}.package.name is empty`)
    if (pkg['purl'] !== undefined) str(pkg['purl'], `${where}.package.purl`)
  }
  const ranges = a['ranges']
  if (ranges !== undefined && ranges !== null) {
    if (!Array.isArray(ranges)) throw new Invalid(`${where}.ranges must be an array`)
    ranges.forEach((r, i) => checkRange(r, `${where}.ranges[${i}]`))
  }
  optStringArray(a['versions'], `${where}.versions`)
  checkSeverities(a['severity'], `${where}.severity`)
  optObject(a['ecosystem_specific'], `${where}.ecosystem_specific`)
  optObject(a['database_specific'], `${where}.database_specific`)
}

/** Validates an already-decoded JSON value as an OSV record. */
export function validateOsv(value: unknown): OsvParseResult {
  if (!isObject(value)) return { ok: false, reason: 'record is not a JSON object' }
  const id = typeof value['id'] === 'string' ? value['id'] : undefined
  try {
    if (id === undefined || !ID_RE.test(id)) throw new Invalid('id is missing or malformed')
    checkTimestamp(value['modified'], 'modified', true)
    checkTimestamp(value['published'], 'published', false)
    checkTimestamp(value['withdrawn'], 'withdrawn', false)
    optStringArray(value['aliases'], 'aliases')
    optStringArray(value['related'], 'related')
    optStringArray(value['upstream'], 'upstream')
    if (value['summary'] !== undefined) str(value['summary'], 'summary')
    if (value['details'] !== undefined) str(value['details'], 'details')
    checkSeverities(value['severity'], 'severity')
    const affected = value['affected']
    if (affected !== undefined && affected !== null) {
      if (!Array.isArray(affected)) throw new Invalid('affected must be an array')
      affected.forEach((a, i) => checkAffected(a, `affected[${i}]`))
    }
    const refs = value['references']
    if (refs !== undefined && refs !== null) {
      if (!Array.isArray(refs)) throw new Invalid('references must be an array')
      refs.forEach((r, i) => {
        if (!isObject(r)) throw new Invalid(`references[${i}] must be an object`)
        str(r['url'], `references[${i}].url`)
      })
    }
    optObject(value['database_specific'], 'database_specific')
  } catch (err) {
    if (err instanceof Invalid) return id === undefined ? { ok: false, reason: err.message } : { ok: false, id, reason: err.message }
    throw err
  }
  return { ok: true, record: value as unknown as OsvRecord }
}

/** Parses OSV JSON text. Invalid JSON is a rejection, not an exception. */
export function parseOsv(text: string): OsvParseResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` }
  }
  return validateOsv(value)
}
