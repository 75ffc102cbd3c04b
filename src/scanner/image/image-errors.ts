/**
 * Typed errors of the image layer: sources, the layer walker and the tar reader. Check them by
 * `code` (isImageError), never by instanceof, so the check survives duplicated module copies.
 * They carry no HTTP knowledge; the CLI maps them to exit codes.
 */
export const IMAGE_ERROR_CODES = [
  /** The reference or source string cannot be understood. */
  'SOURCE_INVALID',
  /** The tag, manifest or blob is not in the source. */
  'IMAGE_NOT_FOUND',
  /** An index has no manifest for the requested platform. */
  'PLATFORM_NOT_FOUND',
  /** Content does not hash to the digest it was asked for, or has another size. */
  'DIGEST_MISMATCH',
  /** A media type or compression we cannot read. */
  'UNSUPPORTED_MEDIA_TYPE',
  /** The compressed stream is corrupt (gzip/zstd error). */
  'LAYER_CORRUPT',
  /** The tar stream is malformed (bad checksum, bad number field, bad PAX record). */
  'TAR_INVALID',
  /** The tar stream ended in the middle of a header or an entry. */
  'TAR_TRUNCATED',
  /** A configured limit was hit (uncompressed size, entry count, metadata size). */
  'LIMIT_EXCEEDED',
  /** The registry asked for credentials we do not have, or refused them. */
  'UNAUTHORIZED',
  /** The registry answered with an unexpected status or could not be reached. */
  'REGISTRY_ERROR',
  /** Plain http to a non-loopback registry without --insecure. */
  'INSECURE_REFUSED',
] as const

export type ImageErrorCode = (typeof IMAGE_ERROR_CODES)[number]

export class ImageError extends Error {
  readonly code: ImageErrorCode
  readonly detail: Readonly<Record<string, unknown>> | undefined

  constructor(code: ImageErrorCode, message: string, options: { detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ImageError'
    this.code = code
    this.detail = options.detail
  }
}

export function isImageError(err: unknown, code?: ImageErrorCode): err is ImageError {
  if (!(err instanceof Error)) return false
  const c = (err as { code?: unknown }).code
  if (typeof c !== 'string' || !(IMAGE_ERROR_CODES as readonly string[]).includes(c)) return false
  return code === undefined || c === code
}
