/**
 * Lists every attestation (DSSE Sigstore bundle referring to the digest) with its own verdict,
 * whatever its predicate type. A verified one passed, in order: the DSSE signature with a key
 * trusted for the repository, an in-toto Statement v1 payload, a subject naming this digest.
 * The predicateType of an unverified attestation comes from the artifact's annotation and is
 * only a label (`predicateTypeVerified: false`); only a verified statement's type is trusted.
 */
import type { Digest } from '../../oci/digest.ts'
import { parseBundle, verifyBundle, type TrustedKey } from '../../trust/bundle/sigstore-bundle.ts'
import { IN_TOTO_PAYLOAD_TYPE, parseStatement, statementCoversDigest } from '../../trust/payload/in-toto-statement.ts'
import type { TrustRegistryReader } from '../../trust/registry-client/trust-registry-client.ts'
import { BUNDLE_CONTENT_ANNOTATION, BUNDLE_PREDICATE_ANNOTATION, readReferrerBundles, type ReferrerBundle } from '../../trust/storage/referrer-form.ts'
import { TrustError } from '../../trust/trust-errors.ts'

export interface AttestationEntry {
  /** The referrer artifact's manifest digest. */
  readonly digest: string
  readonly predicateType?: string
  /** True when predicateType comes from the verified statement, false when from an annotation. */
  readonly predicateTypeVerified: boolean
  readonly verified: boolean
  readonly keyId?: string
  readonly reason?: { readonly code: string; readonly message: string }
}

export async function listAttestations(reader: TrustRegistryReader, repo: string, digest: Digest, keys: readonly TrustedKey[]): Promise<AttestationEntry[]> {
  let bundles: ReferrerBundle[]
  try {
    bundles = await readReferrerBundles(reader, repo, digest)
  } catch (err) {
    if (!(err instanceof TrustError)) throw err
    // A broken referrer store is reported by the signature side; no attestations can be listed.
    return []
  }
  const out: AttestationEntry[] = []
  for (const r of bundles) {
    const labelled = r.annotations[BUNDLE_PREDICATE_ANNOTATION]
    const base = { digest: r.manifestDigest, ...(labelled === undefined ? {} : { predicateType: labelled }), predicateTypeVerified: false }
    try {
      const bundle = parseBundle(r.bundle)
      if (bundle.content.$case !== 'dsseEnvelope') continue
      const env = bundle.content.dsseEnvelope
      if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new TrustError('PAYLOAD_INVALID', `DSSE payloadType is ${env.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`)
      const keyId = verifyBundle(bundle, undefined, keys)
      if (!keyId) throw new TrustError('SIGNATURE_INVALID', 'the attestation does not verify with any trusted key (signed by another key, or altered after signing)')
      const statement = parseStatement(env.payload)
      if (!statementCoversDigest(statement, digest)) throw new TrustError('DIGEST_MISMATCH', `the attestation's subject does not name ${digest}`)
      out.push({ digest: r.manifestDigest, predicateType: statement.predicateType, predicateTypeVerified: true, verified: true, keyId })
    } catch (err) {
      if (!(err instanceof TrustError)) throw err
      // Only DSSE artifacts are attestations; a broken bundle announced as one is listed as refused.
      if (err.code === 'BUNDLE_INVALID' && r.annotations[BUNDLE_CONTENT_ANNOTATION] !== 'dsse-envelope') continue
      out.push({ ...base, verified: false, reason: { code: err.code, message: err.message } })
    }
  }
  return out
}
