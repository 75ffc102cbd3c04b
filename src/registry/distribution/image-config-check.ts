/**
 * The image config a manifest names is pushed before the manifest, as an opaque blob; only at the
 * manifest PUT do we learn that it is a config. Go clients decode it case-insensitively (and take
 * the last of duplicate keys), so a config with `"RootFS"` next to `"rootfs"`, or `"user"` next
 * to `"User"`, would run differently from what the scanner reads. The manifest is refused unless
 * its config passes the same strict rules as manifests (oci/strict-json.ts), read within a bound.
 */
import type { Descriptor } from '../../oci/descriptor.ts'
import { RegistryError } from '../../oci/errors.ts'
import { parseImageConfig } from '../../oci/image-config.ts'
import { DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_JSON_VALUES, StrictJsonError, type JsonLimits } from '../../oci/strict-json.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { BlobService } from './blob-service.ts'

export interface ManifestLimits {
  /** JSON nesting allowed in manifests, indexes and image configs. */
  readonly maxJsonDepth: number
  /** JSON values one manifest, index or image config may hold. */
  readonly maxJsonValues: number
  /** Largest image config blob read and validated at manifest PUT (bytes). */
  readonly maxConfigBytes: number
}

export const DEFAULT_MANIFEST_LIMITS: ManifestLimits = {
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
  maxJsonValues: DEFAULT_MAX_JSON_VALUES,
  // What containers/image (skopeo, podman) reads a config under.
  maxConfigBytes: 4 * 1024 * 1024,
}

/** The strict-json bounds of these limits. */
export function jsonLimits(limits: ManifestLimits): JsonLimits {
  return { maxDepth: limits.maxJsonDepth, maxValues: limits.maxJsonValues }
}

function invalidConfig(config: Descriptor, reason: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', `manifest invalid: config ${config.digest}: ${reason}`, {
    detail: { reason: `config ${config.digest}: ${reason}`, config: config.digest },
  })
}

/** Throws MANIFEST_INVALID naming the config when it is too large or not strictly valid JSON. */
export async function checkImageConfig(blobs: BlobService, repo: RepositoryName, config: Descriptor, limits: ManifestLimits): Promise<void> {
  const max = limits.maxConfigBytes
  const { size } = await blobs.stat(repo, config.digest)
  if (size > max) throw invalidConfig(config, `the image config is ${size} bytes, more than the ${max}-byte limit`)
  const stream = await blobs.open(repo, config.digest)
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer
      total += b.byteLength
      // The stored size was checked above; this guards against a size that lies.
      if (total > max) throw invalidConfig(config, `the image config is more than the ${max}-byte limit`)
      chunks.push(b)
    }
  } finally {
    stream.destroy()
  }
  try {
    parseImageConfig(Buffer.concat(chunks), jsonLimits(limits))
  } catch (err) {
    if (err instanceof StrictJsonError) throw invalidConfig(config, err.message)
    throw err
  }
}
