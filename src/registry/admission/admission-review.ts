/**
 * The wire format of Kubernetes admission webhooks, `admission.k8s.io/v1` `AdmissionReview`
 * (k8s.io/api/admission/v1/types.go): the request the kube-apiserver POSTs, read strictly, and
 * the response it expects back. Only v1 is spoken: the webhook configurations Drydock prints ask
 * for `admissionReviewVersions: [v1]`, so anything else is a client mistake (400).
 */
import { RegistryError } from '../../oci/errors.ts'
import { parseStrictJson, StrictJsonError, type JsonLimits } from '../../oci/strict-json.ts'

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1'
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT'
const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT']
/** The apiserver's uids are UUIDs; a bound keeps a hostile one out of the answer and the logs. */
const MAX_UID_LENGTH = 128

/** The parts of `AdmissionRequest` the webhook uses. */
export interface AdmissionRequest {
  readonly uid: string
  /** The object's kind (`request.kind.kind`), e.g. `Deployment`. */
  readonly kind: string
  readonly operation: AdmissionOperation
  /** `ephemeralcontainers` for `pods/ephemeralcontainers`, `status`, `scale`...; empty for the resource itself. */
  readonly subResource: string
  readonly namespace: string
  /** The object being admitted; absent for DELETE. */
  readonly object: unknown
  readonly dryRun: boolean
}

export interface AdmissionResponse {
  readonly uid: string
  readonly allowed: boolean
  readonly status?: { readonly code: number; readonly reason?: string; readonly message: string }
  readonly warnings?: readonly string[]
  readonly patchType?: 'JSONPatch'
  /** base64 of the JSONPatch (RFC 6902) document. */
  readonly patch?: string
}

export interface AdmissionReviewResponse {
  readonly apiVersion: typeof ADMISSION_API_VERSION
  readonly kind: 'AdmissionReview'
  readonly response: AdmissionResponse
}

function badReview(message: string): RegistryError {
  return new RegistryError('UNSUPPORTED', `invalid AdmissionReview: ${message}`, { status: 400 })
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function optionalString(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key]
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string') throw badReview(`${where}.${key} must be a string`)
  return v
}

/**
 * Reads a request body: strict JSON (duplicate keys, bad UTF-8, nesting beyond `limits` are
 * refused), `apiVersion: admission.k8s.io/v1`, `kind: AdmissionReview`, and a `request` with a
 * uid, a kind, a known operation and, unless deleting, an object. Throws RegistryError 400.
 */
export function parseAdmissionReview(body: Uint8Array, limits: JsonLimits): AdmissionRequest {
  if (body.byteLength === 0) throw badReview('empty body (POST an admission.k8s.io/v1 AdmissionReview)')
  let doc: unknown
  try {
    doc = parseStrictJson(body, limits)
  } catch (err) {
    throw badReview(`not acceptable JSON: ${err instanceof StrictJsonError ? err.message : 'not valid JSON'}`)
  }
  if (!isObject(doc)) throw badReview('the body must be a JSON object')
  const apiVersion = doc['apiVersion']
  if (apiVersion !== ADMISSION_API_VERSION || doc['kind'] !== 'AdmissionReview') {
    const got = typeof apiVersion === 'string' ? ` (got apiVersion ${JSON.stringify(apiVersion.slice(0, 64))})` : ''
    throw badReview(`expected apiVersion ${ADMISSION_API_VERSION} and kind AdmissionReview${got}; set admissionReviewVersions: [v1] in the webhook configuration`)
  }
  const request = doc['request']
  if (!isObject(request)) throw badReview('request must be an object')
  const uid = request['uid']
  if (typeof uid !== 'string' || uid === '' || uid.length > MAX_UID_LENGTH || !/^[\x21-\x7e]+$/.test(uid)) {
    throw badReview(`request.uid must be a non-empty printable string of at most ${MAX_UID_LENGTH} characters`)
  }
  const kind = request['kind']
  if (!isObject(kind) || typeof kind['kind'] !== 'string' || kind['kind'] === '') throw badReview('request.kind.kind must be a non-empty string')
  const operation = request['operation']
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation)) throw badReview(`request.operation must be one of ${OPERATIONS.join(', ')}`)
  const object = request['object']
  if (operation !== 'DELETE' && !isObject(object)) throw badReview('request.object must be an object')
  const dryRun = request['dryRun']
  if (dryRun !== undefined && dryRun !== null && typeof dryRun !== 'boolean') throw badReview('request.dryRun must be a boolean')
  return {
    uid, kind: kind['kind'], operation: operation as AdmissionOperation,
    subResource: optionalString(request, 'subResource', 'request'),
    namespace: optionalString(request, 'namespace', 'request'),
    object: isObject(object) ? object : undefined,
    dryRun: dryRun === true,
  }
}

export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response }
}
