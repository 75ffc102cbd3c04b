/**
 * Signs an image manifest digest with an ECDSA P-256 key and stores the signature:
 * - "referrer" (default): a Sigstore bundle attached as an OCI 1.1 referrer (referrer-form.ts);
 * - "tag": cosign's `sha256-<hex>.sig` layout (tag-form.ts);
 * - "auto": referrer when the registry answers the referrers API, else tag.
 * A forced referrer form on a registry without the API is listed in the referrers tag schema index.
 * Both forms carry the same payload bytes and the same DER signature.
 */
import type { KeyObject } from 'node:crypto'
import type { Digest } from '../../oci/digest.ts'
import type { ImageReference } from '../../oci/reference.ts'
import { messageSignatureBundle, signBytes } from '../bundle/sigstore-bundle.ts'
import { keyIdOf, publicKeyOf } from '../keys/key-pair.ts'
import { buildSimpleSigningPayload } from '../payload/simple-signing.ts'
import type { TrustRegistryClient } from '../registry-client/trust-registry-client.ts'
import { attachBundle } from '../storage/referrer-form.ts'
import { appendTagSignature } from '../storage/tag-form.ts'
import { resolveSubject } from './resolve-subject.ts'

export type SignatureForm = 'referrer' | 'tag' | 'auto'

export interface SignImageOptions {
  readonly client: TrustRegistryClient
  readonly image: ImageReference
  readonly key: KeyObject
  readonly form?: SignatureForm
  readonly annotations?: Readonly<Record<string, string>>
}

export interface SignImageResult {
  readonly digest: Digest
  readonly form: 'referrer' | 'tag'
  readonly keyId: string
  readonly payload: Buffer
  readonly signature: Buffer
  /** The referrer manifest digest (referrer form only). */
  readonly artifactDigest?: Digest
}

export async function signImage(opts: SignImageOptions): Promise<SignImageResult> {
  const { client, image, key } = opts
  const subject = await resolveSubject(client, image)
  const keyId = keyIdOf(publicKeyOf(key))
  const payload = buildSimpleSigningPayload(`${image.registry}/${image.repository}`, subject.digest, opts.annotations)
  const signature = signBytes(payload, key)
  let form = opts.form ?? 'auto'
  const referrersApi = form === 'tag' ? false : (await client.listReferrers(image.repository, subject.digest)).supported
  if (form === 'auto') form = referrersApi ? 'referrer' : 'tag'
  if (form === 'tag') {
    await appendTagSignature(client, image.repository, subject.digest, payload, signature)
    return { digest: subject.digest, form, keyId, payload, signature }
  }
  const bundle = messageSignatureBundle(payload, signature, keyId)
  const artifactDigest = await attachBundle(client, image.repository, subject, bundle, { content: 'message-signature', payload, tagSchema: !referrersApi })
  return { digest: subject.digest, form, keyId, payload, signature, artifactDigest }
}
