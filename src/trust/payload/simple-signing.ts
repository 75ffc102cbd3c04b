/**
 * cosign's "simple signing" payload: the document a container image signature covers.
 *   {"critical":{"identity":{"docker-reference":REPO},
 *                "image":{"docker-manifest-digest":DIGEST},
 *                "type":"cosign container image signature"},
 *    "optional":null | {annotations}}
 * The signature covers the exact payload BYTES, so verifiers parse the bytes that were signed,
 * never a re-serialisation. docker-reference is the repository without tag or digest
 * (`host/name`), as cosign writes it.
 */
import { isDigest, type Digest } from '../../oci/digest.ts'
import { TrustError } from '../trust-errors.ts'
import { ANY_JSON, mapOf, parseStrictJson, structOf } from '../../oci/strict-json.ts'

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json'
export const SIMPLE_SIGNING_TYPE = 'cosign container image signature'
/** Payloads are a few hundred bytes; annotations included, 64 KiB is generous. */
export const MAX_PAYLOAD_BYTES = 64 * 1024

export interface SimpleSigningPayload {
  readonly dockerReference: string
  readonly manifestDigest: Digest
  readonly annotations: Readonly<Record<string, string>> | null
}

export function buildSimpleSigningPayload(dockerReference: string, digest: Digest, annotations?: Readonly<Record<string, string>>): Buffer {
  const doc = {
    critical: {
      identity: { 'docker-reference': dockerReference },
      image: { 'docker-manifest-digest': digest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional: annotations && Object.keys(annotations).length > 0 ? { ...annotations } : null,
  }
  return Buffer.from(JSON.stringify(doc), 'utf8')
}

/** The payload as Go decodes it (containers/image `untrustedSignature`, cosign's payload). */
const SIMPLE_SIGNING_SHAPE = structOf({
  critical: structOf({
    type: ANY_JSON,
    identity: structOf({ 'docker-reference': ANY_JSON }),
    image: structOf({ 'docker-manifest-digest': ANY_JSON }),
  }),
  optional: mapOf(),
})

/** Parses signed payload bytes; throws PAYLOAD_INVALID with the reason. */
export function parseSimpleSigningPayload(bytes: Uint8Array): SimpleSigningPayload {
  if (bytes.byteLength > MAX_PAYLOAD_BYTES) throw new TrustError('TOO_LARGE', `signature payload is larger than ${MAX_PAYLOAD_BYTES} bytes`)
  let doc: unknown
  try {
    // Strict: cosign and the container tools read this with Go's case-insensitive decoder, so a
    // payload with "Critical" beside "critical" must not mean one image here and another there.
    doc = parseStrictJson(bytes, { shape: SIMPLE_SIGNING_SHAPE })
  } catch (err) {
    throw new TrustError('PAYLOAD_INVALID', `signature payload is not valid JSON: ${(err as Error).message}`)
  }
  const critical = field(doc, 'critical')
  const type = field(critical, 'type')
  if (type !== SIMPLE_SIGNING_TYPE) throw new TrustError('PAYLOAD_INVALID', `signature payload type is not "${SIMPLE_SIGNING_TYPE}"`)
  const ref = field(field(critical, 'identity'), 'docker-reference')
  const digest = field(field(critical, 'image'), 'docker-manifest-digest')
  if (typeof ref !== 'string' || ref === '') throw new TrustError('PAYLOAD_INVALID', 'signature payload has no docker-reference')
  if (typeof digest !== 'string' || !isDigest(digest)) throw new TrustError('PAYLOAD_INVALID', 'signature payload has no valid docker-manifest-digest')
  const optional = field(doc, 'optional')
  const annotations: Record<string, string> = {}
  if (optional !== null && optional !== undefined && typeof optional === 'object') {
    for (const [k, v] of Object.entries(optional)) if (typeof v === 'string') annotations[k] = v
  }
  return { dockerReference: ref, manifestDigest: digest, annotations: Object.keys(annotations).length > 0 ? annotations : null }
}

function field(v: unknown, name: string): unknown {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[name] : undefined
}

/**
 * Whether a payload's docker-reference names `repository` (on `registry`, when given). cosign
 * writes `host/name`; with `registry` undefined (a server that knows repositories but not the
 * host name clients used) only the name is compared. Tags or digests appended are ignored.
 */
export function referenceMatches(dockerReference: string, registry: string | undefined, repository: string): boolean {
  let ref = dockerReference.replace(/@.*$/, '')
  const lastSlash = ref.lastIndexOf('/')
  const colon = ref.lastIndexOf(':')
  if (colon > lastSlash) ref = ref.slice(0, colon)
  if (registry !== undefined) return ref === `${registry}/${repository}`
  return ref === repository || ref.endsWith(`/${repository}`) && !ref.slice(0, -repository.length - 1).includes('/')
}
