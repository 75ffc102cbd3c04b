/**
 * "Is this digest signed by a trusted key, and by which?" inside the registry. Keys come from
 * the trust policy (config `trust.namespaces`, longest namespace prefix wins, `*` default);
 * signatures are read in-process (RegistryTrustReader) and verified by src/trust, which trusts
 * nothing from storage beyond locating candidates.
 *
 * Contract for the pull and deploy gates: call isSignedByTrustedKey(repo, digest) with a
 * DIGEST (resolve tags first, and gate on that digest, so a moved tag cannot swap the image).
 * It never throws for unsigned, badly signed or hostile stored signatures: those give
 * `{ signed: false }`. It throws only for errors unrelated to signatures (storage outage).
 * A repository whose namespace has no keys configured is never signed.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { TrustPolicy } from '../../trust/policy/trust-policy.ts'
import type { TrustRegistryReader } from '../../trust/registry-client/trust-registry-client.ts'
import { signatureTag } from '../../trust/storage/tag-form.ts'
import { verifyImageSignatures } from '../../trust/verify/verify-image-signatures.ts'
import { listAttestations, type AttestationEntry } from './list-attestations.ts'

export interface SignedBy {
  readonly signed: boolean
  /** Ids (`sha256:<hex of the SPKI DER>`) of the trusted keys whose signatures verified. */
  readonly by: readonly string[]
}

export interface SignatureEntry {
  readonly form: 'referrer' | 'tag'
  /** The referrer artifact's manifest digest, or the `.sig` manifest's digest for the tag form. */
  readonly digest: string
  /** Tag form only: which layer of the `.sig` manifest. */
  readonly layer?: number
  /** The trusted key that verified it (absent when not verified: an untrusted key is not named). */
  readonly keyId?: string
  readonly verified: boolean
  /** Refusal code and message when not verified (src/trust/trust-errors.ts codes). */
  readonly reason?: { readonly code: string; readonly message: string }
}

export interface ImageTrustReport extends SignedBy {
  readonly digest: Digest
  /** Ids of the keys the policy trusts for this repository ([] = nobody is trusted here). */
  readonly trustedKeys: readonly string[]
  readonly signatures: readonly SignatureEntry[]
  readonly attestations: readonly AttestationEntry[]
  /** Stored data that could not be read as signatures at all (a broken form, for example). */
  readonly problems: readonly { readonly source: string; readonly code: string; readonly message: string }[]
}

const REFERRER_SOURCE = /^referrer (\S+)$/
const TAG_SOURCE = /^tag \S+ layer (\d+)$/

export class TrustService {
  readonly #policy: TrustPolicy
  readonly #reader: TrustRegistryReader

  constructor(policy: TrustPolicy, reader: TrustRegistryReader) {
    this.#policy = policy
    this.#reader = reader
  }

  /** The gate question; see the file comment for the contract. */
  async isSignedByTrustedKey(repo: RepositoryName, digest: Digest): Promise<SignedBy> {
    const keys = this.#policy.keysFor(repo)
    if (keys.length === 0) return { signed: false, by: [] }
    const verdict = await verifyImageSignatures(this.#reader, repo, digest, keys)
    return { signed: verdict.signed, by: verdict.by }
  }

  /** Everything stored for the digest, each signature and attestation with its own verdict. */
  async report(repo: RepositoryName, digest: Digest): Promise<ImageTrustReport> {
    const keys = this.#policy.keysFor(repo)
    // Run even with no trusted keys, so the stored signatures are still listed (as unverified).
    const verdict = await verifyImageSignatures(this.#reader, repo, digest, keys)
    const sigManifest = await this.#reader.getManifest(repo, signatureTag(digest)).catch(() => undefined)
    const tagDigest = sigManifest?.digest ?? signatureTag(digest)
    const signatures: SignatureEntry[] = verdict.signatures.map((s) => ({ ...locate(s.source, tagDigest), keyId: s.keyId, verified: true }))
    const problems: ImageTrustReport['problems'][number][] = []
    for (const f of verdict.failures) {
      const where = locate(f.source, tagDigest)
      if (where.digest === '') {
        if (f.code !== 'UNSIGNED') problems.push(f)
        continue
      }
      signatures.push({ ...where, verified: false, reason: { code: f.code, message: f.message } })
    }
    return {
      digest,
      signed: verdict.signed,
      by: verdict.by,
      trustedKeys: keys.map((k) => k.keyId),
      signatures,
      attestations: await listAttestations(this.#reader, repo, digest, keys),
      problems,
    }
  }
}

/** Maps a verifier `source` string back to where the signature is stored ('' when it names no signature). */
function locate(source: string, tagDigest: string): Pick<SignatureEntry, 'form' | 'digest' | 'layer'> {
  const ref = REFERRER_SOURCE.exec(source)
  if (ref) return { form: 'referrer', digest: ref[1] as string }
  const tag = TAG_SOURCE.exec(source)
  if (tag) return { form: 'tag', digest: tagDigest, layer: Number(tag[1]) }
  return { form: 'referrer', digest: '' }
}
