/**
 * Attestations: an in-toto Statement v1 (subject = image name + sha256 digest) in a DSSE
 * envelope (payloadType application/vnd.in-toto+json, signature over the PAE) inside a Sigstore
 * bundle, attached to the image as a referrer (the referrers tag schema index when the registry
 * has no referrers API).
 */
import type { KeyObject } from 'node:crypto'
import type { Digest } from '../../oci/digest.ts'
import type { ImageReference } from '../../oci/reference.ts'
import { dsseBundle } from '../bundle/sigstore-bundle.ts'
import { keyIdOf, publicKeyOf } from '../keys/key-pair.ts'
import { IN_TOTO_PAYLOAD_TYPE, buildStatement } from '../payload/in-toto-statement.ts'
import type { TrustRegistryClient } from '../registry-client/trust-registry-client.ts'
import { attachBundle } from '../storage/referrer-form.ts'
import { resolveSubject } from './resolve-subject.ts'

export interface AttestImageOptions {
  readonly client: TrustRegistryClient
  readonly image: ImageReference
  readonly key: KeyObject
  readonly predicateType: string
  readonly predicate: unknown
}

export interface AttestImageResult {
  readonly digest: Digest
  readonly keyId: string
  readonly artifactDigest: Digest
}

export async function attestImage(opts: AttestImageOptions): Promise<AttestImageResult> {
  const { client, image, key } = opts
  const subject = await resolveSubject(client, image)
  const keyId = keyIdOf(publicKeyOf(key))
  const statement = buildStatement(`${image.registry}/${image.repository}`, subject.digest, opts.predicateType, opts.predicate)
  const bundle = dsseBundle(IN_TOTO_PAYLOAD_TYPE, statement, key, keyId)
  const supported = (await client.listReferrers(image.repository, subject.digest)).supported
  const artifactDigest = await attachBundle(client, image.repository, subject, bundle, { content: 'dsse-envelope', predicateType: opts.predicateType, tagSchema: !supported })
  return { digest: subject.digest, keyId, artifactDigest }
}
