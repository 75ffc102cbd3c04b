/**
 * Errors of the zip reader. Every problem with an archive (not a zip, truncated, corrupt, over a
 * limit, a feature we refuse) is a `ZipError` with a stable `code`; callers decide whether it is
 * fatal (an advisory import) or recorded and skipped (a jar inside an image).
 */
export const ZIP_ERROR_CODES = [
  /** No end-of-central-directory record: the bytes are not a zip archive (or lost their tail). */
  'NOT_A_ZIP',
  /** A structure points past the end of the archive. */
  'TRUNCATED',
  /** Bad signatures, inconsistent offsets or sizes, a broken deflate stream. */
  'CORRUPT',
  /** Uncompressed data does not match the recorded size or CRC-32. */
  'CHECKSUM_MISMATCH',
  /** Encryption, a compression method other than stored/deflate, multi-disk archives. */
  'UNSUPPORTED',
  /** An entry, the archive total or the entry count is above the caller's limit. */
  'LIMIT_EXCEEDED',
] as const

export type ZipErrorCode = (typeof ZIP_ERROR_CODES)[number]

export class ZipError extends Error {
  readonly code: ZipErrorCode

  constructor(code: ZipErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ZipError'
    this.code = code
  }
}

/** Checks by `code` rather than `instanceof`, so it survives duplicate module copies. */
export function isZipError(err: unknown, code?: ZipErrorCode): err is ZipError {
  if (!(err instanceof Error)) return false
  const c = (err as { code?: unknown }).code
  if (typeof c !== 'string' || !(ZIP_ERROR_CODES as readonly string[]).includes(c)) return false
  return code === undefined || c === code
}
