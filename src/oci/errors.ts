/**
 * The OCI Distribution error catalogue (spec "Error Codes", code-1 .. code-14) plus Drydock's own
 * wire codes, as data. `status` is the default HTTP status; an error may override it (416 for
 * an out-of-order chunk, 405 for a disabled delete, ...). The conversion of a thrown
 * RegistryError to the `{"errors":[...]}` envelope happens in exactly one place: the registry's
 * http/error-handler.ts.
 */
export const OCI_ERROR_CODES = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 404, message: 'manifest references a manifest or blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 415, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  // Not in the spec's table, but used by distribution and understood by clients.
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  MANIFEST_UNVERIFIED: { status: 400, message: 'manifest failed signature verification' },
  UNKNOWN: { status: 500, message: 'unknown error' },
  UNAVAILABLE: { status: 503, message: 'service unavailable' },
} as const satisfies Record<string, { readonly status: number; readonly message: string }>

export type OciErrorCode = keyof typeof OCI_ERROR_CODES

export interface RegistryErrorOptions {
  readonly status?: number
  readonly detail?: unknown
  readonly cause?: unknown
  /** Extra response headers (e.g. `Range` on a 416). */
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * Base of every domain error that has a wire form. Domain code throws these and never builds
 * HTTP responses itself. Check by `code` (isRegistryError) rather than instanceof, so the check
 * survives duplicated module copies.
 */
export class RegistryError extends Error {
  readonly code: OciErrorCode
  readonly status: number
  readonly detail: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor(code: OciErrorCode, message?: string, options: RegistryErrorOptions = {}) {
    super(message ?? OCI_ERROR_CODES[code].message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'RegistryError'
    this.code = code
    this.status = options.status ?? OCI_ERROR_CODES[code].status
    this.detail = options.detail
    this.headers = options.headers ?? {}
  }
}

export function isRegistryError(err: unknown, code?: OciErrorCode): err is RegistryError {
  if (typeof err !== 'object' || err === null) return false
  const c = (err as { code?: unknown }).code
  if (typeof c !== 'string' || !Object.hasOwn(OCI_ERROR_CODES, c)) return false
  if (!(err instanceof Error) || typeof (err as { status?: unknown }).status !== 'number') return false
  return code === undefined || c === code
}

/** The wire envelope, as defined by the spec. */
export interface OciErrorBody {
  readonly errors: ReadonlyArray<{ readonly code: OciErrorCode; readonly message: string; readonly detail?: unknown }>
}

export function toErrorBody(err: RegistryError): OciErrorBody {
  const entry = err.detail === undefined
    ? { code: err.code, message: err.message }
    : { code: err.code, message: err.message, detail: err.detail }
  return { errors: [entry] }
}
