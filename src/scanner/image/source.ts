/**
 * The ImageSource contract: where the scanner gets an image from. Implementations live one per
 * folder (oci-layout/, oci-archive/, docker-archive/, remote/, registry-storage/) and are picked by
 * `parseImageSource` (parse-image-source.ts) from the reference prefix.
 *
 * Every implementation verifies content against digests: documents (manifests, indexes,
 * configs) before they are parsed, blobs while they stream (a mismatch makes the stream fail with
 * ImageError DIGEST_MISMATCH at its end, before the consumer sees a clean end).
 */
import type { Readable } from 'node:stream'
import type { Descriptor, Platform } from '../../oci/descriptor.ts'
import type { Digest } from '../../oci/digest.ts'
import type { ImageManifest } from '../../oci/manifest.ts'

/** `os/arch[/variant]`, or 'all' for every image of an index. */
export type PlatformSpec = string

export interface ImageConfig {
  readonly architecture?: string
  readonly os?: string
  readonly variant?: string
  readonly config?: Readonly<Record<string, unknown>>
  readonly rootfs: { readonly type: string; readonly diff_ids: readonly Digest[] }
  readonly history?: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly [key: string]: unknown
}

/** One image (a manifest, never an index) found by resolving a reference. */
export interface ResolvedImage {
  /** Digest of the manifest bytes (for docker-archive: of the manifest we synthesise). */
  readonly manifestDigest: Digest
  readonly manifest: ImageManifest
  /** The platform of the index entry that led here, when there was an index. */
  readonly platform?: Platform
}

export interface ResolveOptions {
  /** Which image of an index: `os/arch[/variant]` (default: the host's, e.g. linux/amd64) or 'all'. */
  readonly platform?: PlatformSpec
  readonly signal?: AbortSignal
}

export interface OpenOptions {
  readonly signal?: AbortSignal
}

export interface ImageSource {
  /** What the user typed, for reports. */
  readonly reference: string
  /**
   * The image(s) the reference names: one, or for platform 'all' every image of the index.
   * Throws ImageError IMAGE_NOT_FOUND (unknown tag/digest) or PLATFORM_NOT_FOUND.
   */
  resolve(opts?: ResolveOptions): Promise<readonly ResolvedImage[]>
  /** Reads and parses the config blob of a manifest (digest-verified, size-limited). */
  readConfig(manifest: ImageManifest, opts?: OpenOptions): Promise<ImageConfig>
  /**
   * Opens a blob as a stream. Errors (not found, auth, digest or size mismatch) surface as
   * stream errors, so the call itself never throws; destroy the stream to stop early.
   */
  openBlob(descriptor: Descriptor, opts?: OpenOptions): Readable
  /**
   * Whether the blob can be read here, without reading it. Sources that serve several tenants
   * (the registry's storage) implement it, so that a layer-cache hit is only used for a blob the
   * scanned image's repository holds; for the others, holding the manifest is enough.
   */
  hasBlob?(descriptor: Descriptor, opts?: OpenOptions): Promise<boolean>
  /** Releases file handles and connections. Idempotent. */
  close(): Promise<void>
}

/**
 * What Drydock's own registry store must offer for the scanner to read from it (scan-on-push).
 * The registry adapts its blob and manifest services to this; registry-storage/ turns it into an
 * ImageSource. Kept to raw, content-addressed reads: verification and parsing happen here.
 */
export interface RegistryContentProvider {
  /** The manifest bytes and media type for a tag or digest in `repository`, or undefined if unknown. */
  getManifest(repository: string, reference: string, opts?: OpenOptions): Promise<{ readonly bytes: Uint8Array; readonly mediaType?: string } | undefined>
  /** A stream of the blob's bytes, or undefined if the repository does not hold it. */
  openBlob(repository: string, digest: Digest, opts?: OpenOptions): Promise<Readable | undefined>
  /** Whether `repository` holds (links) the blob; the registry's access boundary for cached results. */
  hasBlob(repository: string, digest: Digest, opts?: OpenOptions): Promise<boolean>
}
