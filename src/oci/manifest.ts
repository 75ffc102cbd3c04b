/**
 * Manifest and index parsing with structural validation (OCI image spec "Image Manifest" and
 * "Image Index", Docker v2 schema 2 and manifest list). Pure: no I/O. Throws RegistryError
 * MANIFEST_INVALID with a reason for anything malformed, and for anything Go clients could read
 * differently from us (strict-json.ts): what is validated and scanned is what clients pull.
 */
import { RegistryError } from './errors.ts'
import { isDigest, type Digest } from './digest.ts'
import type { Descriptor, Platform } from './descriptor.ts'
import { MANIFEST_SHAPE } from './go-json-shapes.ts'
import { parseStrictJson, StrictJsonError, type JsonLimits } from './strict-json.ts'
import { MediaType, isIndexMediaType, isNonDistributableLayer } from './media-types.ts'

export interface ImageManifest {
  readonly kind: 'manifest'
  readonly schemaVersion: 2
  readonly mediaType: string
  readonly artifactType?: string
  readonly config: Descriptor
  readonly layers: readonly Descriptor[]
  readonly subject?: Descriptor
  readonly annotations?: Readonly<Record<string, string>>
}

export interface ImageIndex {
  readonly kind: 'index'
  readonly schemaVersion: 2
  readonly mediaType: string
  readonly artifactType?: string
  readonly manifests: readonly Descriptor[]
  readonly subject?: Descriptor
  readonly annotations?: Readonly<Record<string, string>>
}

export type ParsedManifest = ImageManifest | ImageIndex

function invalid(reason: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', `manifest invalid: ${reason}`, { detail: { reason } })
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function parseAnnotations(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined) return undefined
  if (!isObject(v)) throw invalid(`${where}.annotations must be an object`)
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw invalid(`${where}.annotations["${k}"] must be a string`)
  }
  return v as Record<string, string>
}

function parsePlatform(v: unknown, where: string): Platform | undefined {
  if (v === undefined) return undefined
  if (!isObject(v) || typeof v['architecture'] !== 'string' || typeof v['os'] !== 'string') {
    throw invalid(`${where}.platform needs string architecture and os`)
  }
  return v as unknown as Platform
}

const MEDIA_TYPE_GRAMMAR = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/

export function parseDescriptor(v: unknown, where: string): Descriptor {
  if (!isObject(v)) throw invalid(`${where} must be a descriptor object`)
  const { mediaType, digest, size } = v
  if (typeof mediaType !== 'string' || !MEDIA_TYPE_GRAMMAR.test(mediaType)) throw invalid(`${where}.mediaType is missing or malformed`)
  if (typeof digest !== 'string' || !isDigest(digest)) throw invalid(`${where}.digest is missing or malformed`)
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where}.size must be a non-negative integer`)
  if (v['urls'] !== undefined && (!Array.isArray(v['urls']) || !v['urls'].every((u) => typeof u === 'string'))) {
    throw invalid(`${where}.urls must be an array of strings`)
  }
  if (v['artifactType'] !== undefined && typeof v['artifactType'] !== 'string') throw invalid(`${where}.artifactType must be a string`)
  if (v['data'] !== undefined && typeof v['data'] !== 'string') throw invalid(`${where}.data must be a base64 string`)
  const annotations = parseAnnotations(v['annotations'], where)
  const platform = parsePlatform(v['platform'], where)
  return {
    ...(v as unknown as Descriptor),
    digest: digest as Digest,
    ...(annotations ? { annotations } : {}),
    ...(platform ? { platform } : {}),
  }
}

/**
 * Parses manifest bytes. `contentType` is the Content-Type the client sent (or undefined when
 * reading from storage); when both it and the body's `mediaType` are present they must agree.
 * `limits` bound the JSON nesting and size (strict-json.ts defaults when omitted).
 */
export function parseManifest(bytes: Uint8Array, contentType?: string, limits: JsonLimits = {}): ParsedManifest {
  let json: unknown
  try {
    json = parseStrictJson(bytes, { ...limits, shape: MANIFEST_SHAPE })
  } catch (err) {
    if (err instanceof StrictJsonError) throw invalid(err.message)
    throw invalid('body is not valid UTF-8 JSON')
  }
  if (!isObject(json)) throw invalid('top level must be a JSON object')
  if (json['schemaVersion'] !== 2) {
    throw new RegistryError('MANIFEST_INVALID', 'manifest invalid: only schemaVersion 2 is supported', {
      detail: { reason: 'schemaVersion must be 2' },
    })
  }
  const bodyType = json['mediaType']
  if (bodyType !== undefined && typeof bodyType !== 'string') throw invalid('mediaType must be a string')
  const ct = contentType?.split(';')[0]?.trim()
  if (bodyType !== undefined && ct && ct !== bodyType && ct !== 'application/json') {
    throw invalid(`Content-Type ${ct} does not match the manifest mediaType ${bodyType}`)
  }
  const mediaType = bodyType ?? (ct && ct !== 'application/json' ? ct : undefined) ?? inferMediaType(json)
  const subject = json['subject'] === undefined ? undefined : parseDescriptor(json['subject'], 'subject')
  const annotations = parseAnnotations(json['annotations'], 'manifest')
  const artifactType = json['artifactType']
  if (artifactType !== undefined && typeof artifactType !== 'string') throw invalid('artifactType must be a string')
  const common = {
    schemaVersion: 2 as const,
    mediaType,
    ...(typeof artifactType === 'string' ? { artifactType } : {}),
    ...(subject ? { subject } : {}),
    ...(annotations ? { annotations } : {}),
  }

  if (isIndexMediaType(mediaType)) {
    // A document that reads as an index and as a manifest is ambiguous (image-spec, CVE-2021-41190).
    if (json['config'] !== undefined || json['layers'] !== undefined) throw invalid('an index must not have config or layers')
    if (!Array.isArray(json['manifests'])) throw invalid('an index needs a manifests array')
    const manifests = json['manifests'].map((m, i) => parseDescriptor(m, `manifests[${i}]`))
    return { kind: 'index', ...common, manifests }
  }
  if (mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest) {
    if (json['manifests'] !== undefined) throw invalid('an image manifest must not have manifests')
    const config = parseDescriptor(json['config'], 'config')
    if (!Array.isArray(json['layers'])) throw invalid('an image manifest needs a layers array')
    const layers = json['layers'].map((l, i) => parseDescriptor(l, `layers[${i}]`))
    if (mediaType === MediaType.dockerManifest && subject) throw invalid('a Docker v2 manifest cannot have a subject')
    return { kind: 'manifest', ...common, config, layers }
  }
  throw new RegistryError('MANIFEST_INVALID', `manifest invalid: unsupported manifest media type ${mediaType}`, {
    detail: { reason: 'unsupported media type', mediaType },
  })
}

/** A manifest without a top-level mediaType (allowed by the OCI spec) is told apart by its fields. */
function inferMediaType(json: Record<string, unknown>): string {
  if (Array.isArray(json['manifests'])) return MediaType.ociIndex
  if (json['config'] !== undefined || Array.isArray(json['layers'])) return MediaType.ociManifest
  throw invalid('mediaType is missing and the body is neither a manifest nor an index')
}

/**
 * The descriptors a manifest references that must exist in the repository before it is accepted:
 * the config and every layer except non-distributable ones, which are never pushed.
 */
export function referencedBlobs(m: ParsedManifest): readonly Descriptor[] {
  return m.kind === 'manifest' ? [m.config, ...m.layers.filter((l) => !isNonDistributableLayer(l.mediaType))] : []
}

export function referencedManifests(m: ParsedManifest): readonly Descriptor[] {
  return m.kind === 'index' ? m.manifests : []
}
