/**
 * Helpers shared by the language-package analyzers: purl building (per the package-url spec),
 * package records with their location, unknowns, and tolerant decoding of file content.
 *
 * Nothing here throws for bad content: callers turn `undefined` into an Unknown.
 */
import type { AnalysisInput, AnalysisResult } from '../analyzer.ts'
import type { PackageRecord, PackageType, Unknown } from '../../model/package.ts'

/** purl segment encoding: everything but unreserved characters is percent-encoded ('@' → %40). */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * Builds `pkg:type/namespace/name@version`. The namespace may hold several '/'-separated
 * segments (Go module paths); each segment is encoded on its own.
 */
export function buildPurl(type: string, namespace: string | undefined, name: string, version: string): string {
  const ns = namespace ? `${namespace.split('/').filter((s) => s !== '').map(encodeSegment).join('/')}/` : ''
  const ver = version === '' ? '' : `@${encodeSegment(version)}`
  return `pkg:${type}/${ns}${encodeSegment(name)}${ver}`
}

export interface PackageFields {
  readonly name: string
  readonly version: string
  readonly type: PackageType
  readonly purl: string
  readonly licenses?: readonly string[]
  readonly metadata?: Readonly<Record<string, string>>
}

/** A record located at the analysed file (and its layer). */
export function packageAt(input: AnalysisInput, fields: PackageFields): PackageRecord {
  const location = input.layerDigest
    ? { path: input.path, diffId: input.diffId, layerDigest: input.layerDigest }
    : { path: input.path, diffId: input.diffId }
  const record: PackageRecord = {
    name: fields.name,
    version: fields.version,
    type: fields.type,
    purl: fields.purl,
    licenses: fields.licenses ?? [],
    locations: [location],
  }
  return fields.metadata && Object.keys(fields.metadata).length > 0 ? { ...record, metadata: fields.metadata } : record
}

export function unknownAt(input: AnalysisInput, analyzer: string, reason: string): Unknown {
  return { path: input.path, diffId: input.diffId, analyzer, reason }
}

/** The result for a file that could not be read at all. */
export function unknownResult(input: AnalysisInput, analyzer: string, reason: string): AnalysisResult {
  return { unknowns: [unknownAt(input, analyzer, reason)] }
}

/** Packages plus any unknowns collected on the way; `undefined` when there is nothing to say. */
export function resultOf(packages: readonly PackageRecord[], unknowns: readonly Unknown[] = []): AnalysisResult | undefined {
  if (packages.length === 0 && unknowns.length === 0) return undefined
  return unknowns.length === 0 ? { packages } : { packages, unknowns }
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false })

/** Decodes UTF-8 leniently (invalid bytes become U+FFFD) and drops a BOM. */
export function decodeText(bytes: Uint8Array): string {
  return utf8.decode(bytes)
}

/** JSON.parse that reports failure as a message instead of throwing. */
export function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(decodeText(bytes)) as unknown }
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${(err as Error).message.slice(0, 200)}` }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A non-empty string field, else undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Drops duplicates by purl (lockfiles list one package once however many paths need it). */
export function uniqueByPurl(records: readonly PackageRecord[]): PackageRecord[] {
  const seen = new Map<string, PackageRecord>()
  const noPurl: PackageRecord[] = []
  for (const r of records) {
    if (r.purl === '') noPurl.push(r) // no identity to compare: each one is kept
    else if (!seen.has(r.purl)) seen.set(r.purl, r)
  }
  return [...seen.values(), ...noPurl]
}
