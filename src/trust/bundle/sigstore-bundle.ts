/**
 * Sigstore bundles (v0.3, application/vnd.dev.sigstore.bundle.v0.3+json) built and verified with
 * the official Sigstore JS libraries. Drydock makes public-key bundles: verificationMaterial holds
 * only a key hint (the key id), no Fulcio certificate and no Rekor entry, so verification needs
 * the trusted keys from the caller. A configured TrustedRoot (Fulcio CAs, Rekor logs, TSAs) can
 * be passed in for bundles that carry certificates; keyless signing itself is out of scope.
 *
 * - image signatures: a message-signature bundle over the simple-signing payload bytes (the same
 *   ECDSA signature the tag form carries), the payload travelling beside it;
 * - attestations: a DSSE-envelope bundle over an in-toto statement (signature over the PAE).
 */
import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto'
import {
  BUNDLE_V03_MEDIA_TYPE,
  assertBundleLatest,
  bundleFromJSON,
  bundleToJSON,
  toDSSEBundle,
  toMessageSignatureBundle,
  type Bundle,
} from '@sigstore/bundle'
import { dsse } from '@sigstore/core'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify'
import { TrustError } from '../trust-errors.ts'

export { BUNDLE_V03_MEDIA_TYPE }
/** A bundle with a whole SBOM inside can be large; beyond this it is refused unread. */
export const MAX_BUNDLE_BYTES = 48 * 1024 * 1024

/** ECDSA P-256 over SHA-256, ASN.1 DER signature (what cosign and `openssl dgst -sha256 -sign` produce). */
export function signBytes(data: Uint8Array, key: KeyObject): Buffer {
  return cryptoSign('sha256', data, { key, dsaEncoding: 'der' })
}

export function dssePreAuthEncoding(payloadType: string, payload: Uint8Array): Buffer {
  return dsse.preAuthEncoding(payloadType, Buffer.from(payload))
}

export function messageSignatureBundle(payload: Uint8Array, signature: Buffer, keyHint: string): Buffer {
  const digest = createHash('sha256').update(payload).digest()
  const bundle = toMessageSignatureBundle({ digest, signature, keyHint })
  return Buffer.from(JSON.stringify(bundleToJSON(bundle)))
}

export function dsseBundle(payloadType: string, payload: Uint8Array, key: KeyObject, keyHint: string): Buffer {
  const signature = signBytes(dssePreAuthEncoding(payloadType, payload), key)
  const bundle = toDSSEBundle({ artifact: Buffer.from(payload), artifactType: payloadType, signature, keyHint })
  return Buffer.from(JSON.stringify(bundleToJSON(bundle)))
}

/** Parses and validates bundle JSON; throws BUNDLE_INVALID. */
export function parseBundle(bytes: Uint8Array): Bundle {
  if (bytes.byteLength > MAX_BUNDLE_BYTES) throw new TrustError('TOO_LARGE', 'Sigstore bundle is too large')
  try {
    const bundle = bundleFromJSON(JSON.parse(Buffer.from(bytes).toString('utf8')))
    assertBundleLatest(bundle)
    return bundle
  } catch (err) {
    throw new TrustError('BUNDLE_INVALID', `not a valid Sigstore bundle: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

export interface TrustedKey {
  readonly keyId: string
  readonly key: KeyObject
}

/** An empty trust root: no CAs, logs or TSAs, so only the given public keys can verify. */
const EMPTY_ROOT: TrustedRoot = { mediaType: 'application/vnd.dev.sigstore.trustedroot.v0.2+json', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }

/**
 * Returns the id of the trusted key that verifies `bundle` (over `artifact` for message
 * signatures), or undefined when none does. The bundle's key hint is NOT trusted to pick the
 * key: every trusted key is tried, so a forged hint changes nothing.
 */
export function verifyBundle(bundle: Bundle, artifact: Buffer | undefined, keys: readonly TrustedKey[], trustedRoot: TrustedRoot = EMPTY_ROOT): string | undefined {
  const entity = toSignedEntity(bundle, artifact)
  // A message signature also states the artifact digest; the library checks only the signature.
  if (artifact && bundle.content.$case === 'messageSignature') {
    if (!entity.signature.compareDigest(createHash('sha256').update(artifact).digest())) return undefined
  }
  const noTransparency = trustedRoot === EMPTY_ROOT
  const thresholds = noTransparency ? { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 } : {}
  for (const { keyId, key } of keys) {
    const material = toTrustMaterial(trustedRoot, () => ({ publicKey: key, validFor: () => true }))
    try {
      new Verifier(material, thresholds).verify(entity)
      return keyId
    } catch {
      // try the next key
    }
  }
  return undefined
}

export function trustedRootFromJSON(json: unknown): TrustedRoot {
  return TrustedRoot.fromJSON(json)
}
