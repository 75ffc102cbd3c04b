/**
 * cosign's classic signature layout ("tag form"), for registries without the referrers API:
 * an OCI image manifest tagged `sha256-<hex>.sig` in the image's own repository, one layer per
 * signature. Each layer blob is the simple-signing payload (mediaType
 * application/vnd.dev.cosign.simplesigning.v1+json) and its annotation
 * `dev.cosignproject.cosign/signature` holds the base64 DER signature. Adding a signature
 * appends a layer (an identical one is not added twice).
 *
 * The tag is mutable and anyone with push rights can rewrite it, which is fine: this layout only
 * stores candidates; verification trusts nothing but the signatures.
 */
import { digestHex, type Digest } from '../../oci/digest.ts'
import type { Descriptor } from '../../oci/descriptor.ts'
import { MediaType } from '../../oci/media-types.ts'
import { MAX_PAYLOAD_BYTES, SIMPLE_SIGNING_MEDIA_TYPE } from '../payload/simple-signing.ts'
import type { TrustRegistryClient, TrustRegistryReader } from '../registry-client/trust-registry-client.ts'
import { TrustError } from '../trust-errors.ts'
import { parseStrictJson } from '../../oci/strict-json.ts'
import { MANIFEST_SHAPE } from '../../oci/go-json-shapes.ts'

export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature'
/** More layers than this in one .sig manifest is treated as hostile. */
export const MAX_TAG_SIGNATURES = 256

export function signatureTag(digest: Digest): string {
  return `${digest.slice(0, digest.indexOf(':'))}-${digestHex(digest)}.sig`
}

export interface StoredSignature {
  /** Where it was found, for messages: `tag sha256-….sig layer N` or `referrer sha256:…`. */
  readonly source: string
  readonly payload: Buffer
  readonly signature: Buffer
}

interface SigManifest {
  layers?: Descriptor[]
}

async function readSigManifest(client: TrustRegistryReader, repo: string, digest: Digest): Promise<Descriptor[]> {
  const m = await client.getManifest(repo, signatureTag(digest))
  if (!m) return []
  let doc: SigManifest
  try {
    // Strict, as the registry parses manifests: a signature manifest that Go clients would read
    // differently (duplicate or case-variant keys) is refused, not interpreted one way.
    doc = parseStrictJson(m.bytes, { shape: MANIFEST_SHAPE }) as SigManifest
  } catch (err) {
    throw new TrustError('PAYLOAD_INVALID', `${signatureTag(digest)} is not a valid JSON manifest: ${(err as Error).message}`)
  }
  const layers = Array.isArray(doc.layers) ? doc.layers : []
  if (layers.length > MAX_TAG_SIGNATURES) throw new TrustError('TOO_LARGE', `${signatureTag(digest)} lists more than ${MAX_TAG_SIGNATURES} signatures`)
  return layers
}

/** Reads every signature layer under `sha256-<hex>.sig`; an absent tag gives []. */
export async function readTagSignatures(client: TrustRegistryReader, repo: string, digest: Digest): Promise<StoredSignature[]> {
  const layers = await readSigManifest(client, repo, digest)
  const out: StoredSignature[] = []
  for (const [i, layer] of layers.entries()) {
    const sig = layer.annotations?.[SIGNATURE_ANNOTATION]
    if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE || typeof sig !== 'string') continue
    if (typeof layer.size === 'number' && layer.size > MAX_PAYLOAD_BYTES) throw new TrustError('TOO_LARGE', `signature payload ${layer.digest} is too large`)
    const payload = await client.getBlob(repo, layer.digest, MAX_PAYLOAD_BYTES)
    out.push({ source: `tag ${signatureTag(digest)} layer ${i}`, payload, signature: Buffer.from(sig, 'base64') })
  }
  return out
}

/** Appends one signature layer to the `.sig` manifest (creating it when absent). */
export async function appendTagSignature(client: TrustRegistryClient, repo: string, digest: Digest, payload: Buffer, signature: Buffer): Promise<void> {
  const existing = await readSigManifest(client, repo, digest)
  const payloadDigest = await client.pushBlob(repo, payload)
  const sigB64 = signature.toString('base64')
  const layer: Descriptor = { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: payloadDigest, size: payload.byteLength, annotations: { [SIGNATURE_ANNOTATION]: sigB64 } }
  const duplicate = existing.some((l) => l.digest === payloadDigest && l.annotations?.[SIGNATURE_ANNOTATION] === sigB64)
  const layers = duplicate ? existing : [...existing, layer]
  // An image-shaped config (rootfs lists the layers) keeps registries and tools that expect images happy.
  const config = Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } }))
  const configDigest = await client.pushBlob(repo, config)
  const manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.byteLength }, layers }
  await client.putManifest(repo, signatureTag(digest), Buffer.from(JSON.stringify(manifest)), MediaType.ociManifest)
}
