/**
 * in-toto Statement v1 for attestations, and the predicate types Drydock signs.
 * The statement binds a predicate (an SBOM, a vulnerability report) to an image by name and
 * sha256 digest; it is carried in a DSSE envelope (payloadType application/vnd.in-toto+json).
 */
import { digestHex, type Digest } from '../../oci/digest.ts'
import { TrustError } from '../trust-errors.ts'

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
export const STATEMENT_TYPE_V1 = 'https://in-toto.io/Statement/v1'

/** `--type` names and their predicate types (cosign's names for these two). */
export const PREDICATE_TYPES = {
  cyclonedx: 'https://cyclonedx.org/bom',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
} as const
export type PredicateKind = keyof typeof PREDICATE_TYPES

export function isPredicateKind(v: string): v is PredicateKind {
  return Object.hasOwn(PREDICATE_TYPES, v)
}

/** Statements carry whole SBOMs; bounded so a hostile referrer cannot exhaust memory. */
export const MAX_STATEMENT_BYTES = 32 * 1024 * 1024

export interface Statement {
  readonly _type: string
  readonly subject: readonly { readonly name: string; readonly digest: Readonly<Record<string, string>> }[]
  readonly predicateType: string
  readonly predicate: unknown
}

export function buildStatement(subjectName: string, digest: Digest, predicateType: string, predicate: unknown): Buffer {
  const st: Statement = { _type: STATEMENT_TYPE_V1, subject: [{ name: subjectName, digest: { sha256: digestHex(digest) } }], predicateType, predicate }
  return Buffer.from(JSON.stringify(st), 'utf8')
}

export function parseStatement(bytes: Uint8Array): Statement {
  if (bytes.byteLength > MAX_STATEMENT_BYTES) throw new TrustError('TOO_LARGE', 'attestation statement is too large')
  let v: unknown
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {
    throw new TrustError('PAYLOAD_INVALID', 'attestation payload is not JSON')
  }
  const st = v as Partial<Statement> | null
  if (!st || typeof st !== 'object' || st._type !== STATEMENT_TYPE_V1 || !Array.isArray(st.subject) || typeof st.predicateType !== 'string') {
    throw new TrustError('PAYLOAD_INVALID', `attestation payload is not an in-toto ${STATEMENT_TYPE_V1} statement`)
  }
  return st as Statement
}

/** Whether any subject of the statement names `digest` (compared by sha256 hex). */
export function statementCoversDigest(st: Statement, digest: Digest): boolean {
  const hex = digestHex(digest)
  return st.subject.some((s) => typeof s === 'object' && s !== null && s.digest?.['sha256'] === hex)
}
