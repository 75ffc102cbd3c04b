/**
 * The verification service: "is this digest signed by a trusted key, and by which?". No HTTP:
 * the CLI calls it, and the registry can expose it with keys from its trust policy.
 *
 * Every stored signature (tag form and referrer form) is a candidate; only cryptography decides.
 * A candidate counts when, in this order:
 *   1. a trusted key verifies the signature over the exact payload bytes;
 *   2. the payload is a simple-signing document naming this manifest digest;
 *   3. its docker-reference names this repository.
 * Each refusal is recorded with its own code and message; `signed` is true when at least one
 * candidate passed all three. Nothing from the registry (tags, indexes, annotations, headers)
 * is trusted beyond locating candidates.
 */
import { createHash } from 'node:crypto'
import type { Digest } from '../../oci/digest.ts'
import { parseBundle, verifyBundle, type TrustedKey } from '../bundle/sigstore-bundle.ts'
import { parseSimpleSigningPayload, referenceMatches, type SimpleSigningPayload } from '../payload/simple-signing.ts'
import type { TrustRegistryReader } from '../registry-client/trust-registry-client.ts'
import { readReferrerBundles } from '../storage/referrer-form.ts'
import { readTagSignatures } from '../storage/tag-form.ts'
import { TrustError, type TrustErrorCode } from '../trust-errors.ts'
import { verifyRawSignature } from './verify-raw-signature.ts'

export interface SignatureFailure {
  readonly source: string
  readonly code: TrustErrorCode
  readonly message: string
}

export interface VerifiedSignature {
  readonly source: string
  readonly form: 'tag' | 'referrer'
  readonly keyId: string
  readonly payload: SimpleSigningPayload
}

export interface SignatureVerdict {
  readonly signed: boolean
  /** Ids of the trusted keys that signed (deduplicated). */
  readonly by: readonly string[]
  readonly signatures: readonly VerifiedSignature[]
  readonly failures: readonly SignatureFailure[]
}

export interface VerifyOptions {
  /** Registry host the payload's docker-reference must name; undefined compares the repository only. */
  readonly registry?: string
}

interface Candidate {
  readonly source: string
  readonly form: 'tag' | 'referrer'
  /** Returns the verifying key id, or throws TrustError with the refusal. */
  check(keys: readonly TrustedKey[]): string
  readonly payload: Buffer
}

export async function verifyImageSignatures(client: TrustRegistryReader, repo: string, digest: Digest, trustedKeys: readonly TrustedKey[], opts: VerifyOptions = {}): Promise<SignatureVerdict> {
  const signatures: VerifiedSignature[] = []
  const failures: SignatureFailure[] = []
  // A broken or hostile store in one form (missing blob, oversized payload) is reported and does
  // not hide valid signatures in the other form.
  const gather = async (form: string, fn: () => Promise<Candidate[]>): Promise<Candidate[]> => {
    try {
      return await fn()
    } catch (err) {
      if (!(err instanceof TrustError)) throw err
      failures.push({ source: `${form} form`, code: err.code, message: err.message })
      return []
    }
  }
  const candidates = [...(await gather('tag', () => tagCandidates(client, repo, digest))), ...(await gather('referrer', () => referrerCandidates(client, repo, digest)))]
  for (const c of candidates) {
    try {
      const keyId = c.check(trustedKeys)
      const payload = parseSimpleSigningPayload(c.payload)
      if (payload.manifestDigest !== digest) {
        throw new TrustError('DIGEST_MISMATCH', `the signature is for another image digest (${payload.manifestDigest}), not ${digest}`)
      }
      if (!referenceMatches(payload.dockerReference, opts.registry, repo)) {
        throw new TrustError('IDENTITY_MISMATCH', `the signed payload names another image (${payload.dockerReference}), not ${opts.registry ? `${opts.registry}/` : ''}${repo}`)
      }
      signatures.push({ source: c.source, form: c.form, keyId, payload })
    } catch (err) {
      if (!(err instanceof TrustError)) throw err
      failures.push({ source: c.source, code: err.code, message: err.message })
    }
  }
  if (candidates.length === 0 && failures.length === 0) failures.push({ source: repo, code: 'UNSIGNED', message: `no signatures found for ${repo}@${digest}: the image is unsigned` })
  return { signed: signatures.length > 0, by: [...new Set(signatures.map((s) => s.keyId))], signatures, failures }
}

async function tagCandidates(client: TrustRegistryReader, repo: string, digest: Digest): Promise<Candidate[]> {
  return (await readTagSignatures(client, repo, digest)).map((s) => ({
    source: s.source,
    form: 'tag' as const,
    payload: s.payload,
    check: (keys: readonly TrustedKey[]) => {
      const keyId = verifyRawSignature(s.payload, s.signature, keys)
      if (!keyId) throw new TrustError('SIGNATURE_INVALID', 'the signature does not verify with any trusted key (signed by another key, or the payload was altered after signing)')
      return keyId
    },
  }))
}

async function referrerCandidates(client: TrustRegistryReader, repo: string, digest: Digest): Promise<Candidate[]> {
  const out: Candidate[] = []
  for (const r of await readReferrerBundles(client, repo, digest)) {
    // DSSE bundles are attestations, verified by verify-attestations.ts, not image signatures.
    if (r.annotations['dev.sigstore.bundle.content'] === 'dsse-envelope') continue
    const source = `referrer ${r.manifestDigest}`
    const payload = r.payload ?? Buffer.alloc(0)
    out.push({
      source,
      form: 'referrer',
      payload,
      check: (keys) => {
        const bundle = parseBundle(r.bundle)
        if (bundle.content.$case !== 'messageSignature') throw new TrustError('BUNDLE_INVALID', 'the bundle does not hold a message signature')
        if (!r.payload) throw new TrustError('PAYLOAD_INVALID', 'the signature artifact has no simple-signing payload layer')
        const recorded = bundle.content.messageSignature.messageDigest?.digest
        if (!recorded || !recorded.equals(createHash('sha256').update(payload).digest())) {
          throw new TrustError('PAYLOAD_TAMPERED', 'the payload was altered after signing: its sha256 differs from the digest recorded in the signature bundle')
        }
        const keyId = verifyBundle(bundle, payload, keys)
        if (!keyId) throw new TrustError('SIGNATURE_INVALID', 'the signature does not verify with any trusted key (signed by another key)')
        return keyId
      },
    })
  }
  return out
}
