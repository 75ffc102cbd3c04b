/**
 * Verifies attestations attached to a digest: each DSSE bundle must be signed (over the PAE) by a
 * trusted key, carry an in-toto Statement v1 whose subject names this digest, and have the wanted
 * predicateType. Same shape of answer as verifyImageSignatures.
 */
import type { Digest } from '../../oci/digest.ts'
import { parseBundle, verifyBundle, type TrustedKey } from '../bundle/sigstore-bundle.ts'
import { IN_TOTO_PAYLOAD_TYPE, parseStatement, statementCoversDigest, type Statement } from '../payload/in-toto-statement.ts'
import type { TrustRegistryReader } from '../registry-client/trust-registry-client.ts'
import { readReferrerBundles } from '../storage/referrer-form.ts'
import { TrustError } from '../trust-errors.ts'
import type { SignatureFailure } from './verify-image-signatures.ts'

export interface VerifiedAttestation {
  readonly source: string
  readonly keyId: string
  readonly statement: Statement
}

export interface AttestationVerdict {
  readonly verified: boolean
  readonly by: readonly string[]
  readonly attestations: readonly VerifiedAttestation[]
  readonly failures: readonly SignatureFailure[]
}

export async function verifyAttestations(client: TrustRegistryReader, repo: string, digest: Digest, predicateType: string, trustedKeys: readonly TrustedKey[]): Promise<AttestationVerdict> {
  const attestations: VerifiedAttestation[] = []
  const failures: SignatureFailure[] = []
  let seen = 0
  for (const r of await readReferrerBundles(client, repo, digest)) {
    const source = `referrer ${r.manifestDigest}`
    try {
      const bundle = parseBundle(r.bundle)
      if (bundle.content.$case !== 'dsseEnvelope') continue
      const env = bundle.content.dsseEnvelope
      // Other predicate types (an SBOM when a vuln report is asked for) are not candidates. The
      // type is read before verification only to filter; it is checked again once verified.
      if (r.annotations['dev.sigstore.bundle.predicateType'] !== undefined && r.annotations['dev.sigstore.bundle.predicateType'] !== predicateType) continue
      seen++
      if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new TrustError('PAYLOAD_INVALID', `DSSE payloadType is ${env.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`)
      const keyId = verifyBundle(bundle, undefined, trustedKeys)
      if (!keyId) throw new TrustError('SIGNATURE_INVALID', 'the attestation does not verify with any trusted key (signed by another key, or altered after signing)')
      const statement = parseStatement(env.payload)
      if (!statementCoversDigest(statement, digest)) throw new TrustError('DIGEST_MISMATCH', `the attestation's subject does not name ${digest}`)
      if (statement.predicateType !== predicateType) throw new TrustError('PAYLOAD_INVALID', `predicateType is ${statement.predicateType}, not ${predicateType}`)
      attestations.push({ source, keyId, statement })
    } catch (err) {
      if (!(err instanceof TrustError)) throw err
      failures.push({ source, code: err.code, message: err.message })
    }
  }
  if (seen === 0) failures.push({ source: repo, code: 'UNSIGNED', message: `no ${predicateType} attestations found for ${repo}@${digest}` })
  return { verified: attestations.length > 0, by: [...new Set(attestations.map((a) => a.keyId))], attestations, failures }
}
