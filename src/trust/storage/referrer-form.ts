/**
 * The referrer form: a Sigstore bundle attached to the image as an OCI 1.1 artifact, following
 * cosign's BUNDLE_SPEC: an image manifest with artifactType = the bundle media type, the empty
 * config, the bundle JSON as first layer, and `subject` = the signed image's descriptor. For image
 * signatures (message-signature bundles, which do not embed what they sign) a second layer holds
 * the simple-signing payload.
 *
 * Registries with the referrers API index the manifest by its subject. On registries without
 * it, the OCI "referrers tag schema" fallback is kept: an index tagged `sha256-<hex>` lists the
 * referring manifests. Readers never trust the index: each manifest's own subject is checked.
 */
import { digestHex, digestOf, type Digest } from '../../oci/digest.ts'
import type { Descriptor } from '../../oci/descriptor.ts'
import { MediaType } from '../../oci/media-types.ts'
import { BUNDLE_V03_MEDIA_TYPE, MAX_BUNDLE_BYTES } from '../bundle/sigstore-bundle.ts'
import { MAX_PAYLOAD_BYTES, SIMPLE_SIGNING_MEDIA_TYPE } from '../payload/simple-signing.ts'
import type { TrustRegistryClient, TrustRegistryReader } from '../registry-client/trust-registry-client.ts'
import { parseStrictJson } from '../../oci/strict-json.ts'
import { MANIFEST_SHAPE } from '../../oci/go-json-shapes.ts'

export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content'
export const BUNDLE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType'
/** Referrers beyond this many per image are ignored (a flood must not stall verification). */
export const MAX_REFERRERS = 256

export interface ReferrerBundle {
  readonly manifestDigest: Digest
  readonly annotations: Readonly<Record<string, string>>
  readonly bundle: Buffer
  /** The detached payload layer of an image signature, when present. */
  readonly payload?: Buffer
}

export interface AttachOptions {
  readonly content: 'message-signature' | 'dsse-envelope'
  readonly predicateType?: string
  readonly payload?: Buffer
  /** Use the referrers tag schema (registry without the referrers API). */
  readonly tagSchema?: boolean
}

const EMPTY_CONFIG = Buffer.from('{}')

function fallbackTag(digest: Digest): string {
  return `sha256-${digestHex(digest)}`
}

/** Pushes the bundle artifact referring to `subject`; returns the artifact manifest digest. */
export async function attachBundle(client: TrustRegistryClient, repo: string, subject: Descriptor, bundle: Buffer, opts: AttachOptions): Promise<Digest> {
  const configDigest = await client.pushBlob(repo, EMPTY_CONFIG)
  const bundleDigest = await client.pushBlob(repo, bundle)
  const layers: Descriptor[] = [
    { mediaType: BUNDLE_V03_MEDIA_TYPE, digest: bundleDigest, size: bundle.byteLength, annotations: { 'org.opencontainers.image.title': `${fallbackTag(bundleDigest)}.sigstore.json` } },
  ]
  if (opts.payload) layers.push({ mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: await client.pushBlob(repo, opts.payload), size: opts.payload.byteLength })
  const annotations: Record<string, string> = { [BUNDLE_CONTENT_ANNOTATION]: opts.content, 'org.opencontainers.image.created': new Date().toISOString() }
  if (opts.predicateType) annotations[BUNDLE_PREDICATE_ANNOTATION] = opts.predicateType
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: BUNDLE_V03_MEDIA_TYPE,
    config: { mediaType: MediaType.ociEmpty, digest: configDigest, size: EMPTY_CONFIG.byteLength },
    layers,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  }
  const bytes = Buffer.from(JSON.stringify(manifest))
  const digest = await client.putManifest(repo, digestOf(bytes), bytes, MediaType.ociManifest)
  if (opts.tagSchema) await addToFallbackIndex(client, repo, subject.digest, { mediaType: MediaType.ociManifest, digest, size: bytes.byteLength, artifactType: BUNDLE_V03_MEDIA_TYPE, annotations })
  return digest
}

async function addToFallbackIndex(client: TrustRegistryClient, repo: string, subject: Digest, entry: Descriptor): Promise<void> {
  const existing = await client.getManifest(repo, fallbackTag(subject))
  let manifests: Descriptor[] = []
  if (existing) {
    const doc = jsonObject(existing.bytes) as { manifests?: Descriptor[] } | undefined
    manifests = Array.isArray(doc?.manifests) ? doc.manifests : []
  }
  if (!manifests.some((m) => m.digest === entry.digest)) manifests.push(entry)
  const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }
  await client.putManifest(repo, fallbackTag(subject), Buffer.from(JSON.stringify(index)), MediaType.ociIndex)
}

/** Lists bundle artifacts referring to `digest` (referrers API, else the tag schema index). */
export async function readReferrerBundles(client: TrustRegistryReader, repo: string, digest: Digest): Promise<ReferrerBundle[]> {
  const listed = await client.listReferrers(repo, digest, BUNDLE_V03_MEDIA_TYPE)
  let candidates = listed.manifests
  if (!listed.supported) {
    const index = await client.getManifest(repo, fallbackTag(digest))
    const doc = index ? (jsonObject(index.bytes) as { manifests?: unknown } | undefined) : undefined
    candidates = Array.isArray(doc?.manifests) ? (doc.manifests as Descriptor[]) : []
  }
  const out: ReferrerBundle[] = []
  for (const c of candidates.slice(0, MAX_REFERRERS)) {
    if (c.artifactType !== undefined && c.artifactType !== BUNDLE_V03_MEDIA_TYPE) continue
    const m = await client.getManifest(repo, c.digest)
    if (!m) continue
    const doc = jsonObject(m.bytes) as { artifactType?: string; subject?: Descriptor; layers?: Descriptor[]; annotations?: Record<string, string> } | undefined
    // The registry's index is a hint; the manifest itself must say it refers to this digest.
    if (!doc || doc.artifactType !== BUNDLE_V03_MEDIA_TYPE || doc.subject?.digest !== digest || !Array.isArray(doc.layers)) continue
    const bundleLayer = doc.layers.find((l) => l.mediaType === BUNDLE_V03_MEDIA_TYPE)
    if (!bundleLayer) continue
    const bundle = await client.getBlob(repo, bundleLayer.digest, MAX_BUNDLE_BYTES)
    const payloadLayer = doc.layers.find((l) => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE)
    const payload = payloadLayer ? await client.getBlob(repo, payloadLayer.digest, MAX_PAYLOAD_BYTES) : undefined
    out.push({ manifestDigest: m.digest, annotations: doc.annotations ?? {}, bundle, ...(payload ? { payload } : {}) })
  }
  return out
}

function jsonObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = parseStrictJson(bytes, { shape: MANIFEST_SHAPE })
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
