/**
 * Image config blobs (OCI image config, Docker container image v1), read with the strict JSON
 * rules so that the config Drydock validates and scans is the config Go clients run: no duplicate
 * keys, no case variants of known fields, bounded nesting. Pure: no I/O.
 */
import { IMAGE_CONFIG_SHAPE } from './go-json-shapes.ts'
import { parseStrictJson, StrictJsonError, type JsonLimits } from './strict-json.ts'

/** Parses an image config; throws StrictJsonError naming the offending key or construct. */
export function parseImageConfig(bytes: Uint8Array, limits: JsonLimits = {}): Record<string, unknown> {
  const json = parseStrictJson(bytes, { ...limits, shape: IMAGE_CONFIG_SHAPE })
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new StrictJsonError('an image config must be a JSON object', '$')
  return json as Record<string, unknown>
}
