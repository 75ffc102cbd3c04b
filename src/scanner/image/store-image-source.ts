/**
 * ImageSource over a ContentStore: resolves the root document, walks (nested) indexes to the
 * image manifests for the wanted platform, reads configs, and verifies everything it streams.
 */
import { pipeline, type Readable } from 'node:stream'
import type { Descriptor, Platform } from '../../oci/descriptor.ts'
import { digestOf, type Digest } from '../../oci/digest.ts'
import { parseImageConfig } from '../../oci/image-config.ts'
import { parseManifest, type ImageManifest, type ParsedManifest } from '../../oci/manifest.ts'
import { isIndexMediaType } from '../../oci/media-types.ts'
import { StrictJsonError } from '../../oci/strict-json.ts'
import type { ContentStore, RootDocument } from './content-store.ts'
import { ImageError } from './image-errors.ts'
import { formatPlatform, hostPlatform, isImagePlatform, parsePlatformSpec, platformMatches } from './platform.ts'
import { DEFAULT_SCAN_LIMITS } from './scan-limits.ts'
import type { ImageConfig, ImageSource, OpenOptions, ResolveOptions, ResolvedImage } from './source.ts'
import { VerifyStream } from './verify-stream.ts'

/** Indexes nested deeper than this are refused (a cycle would otherwise never end). */
const MAX_INDEX_DEPTH = 4

export class StoreImageSource implements ImageSource {
  readonly reference: string
  readonly #store: ContentStore
  readonly #maxDocumentBytes: number

  constructor(reference: string, store: ContentStore, maxDocumentBytes = DEFAULT_SCAN_LIMITS.maxDocumentBytes) {
    this.reference = reference
    this.#store = store
    this.#maxDocumentBytes = maxDocumentBytes
  }

  async resolve(opts: ResolveOptions = {}): Promise<readonly ResolvedImage[]> {
    const signal = opts.signal
    const root = await this.#store.root(signal ? { signal } : {})
    const doc: RootDocument = 'bytes' in root ? root : { bytes: await this.#readDocument(root, 'manifest', signal), digest: root.digest, mediaType: root.mediaType }
    if (digestOf(doc.bytes, doc.digest.startsWith('sha512:') ? 'sha512' : 'sha256') !== doc.digest) {
      throw new ImageError('DIGEST_MISMATCH', `manifest does not match its digest ${doc.digest}`)
    }
    const parsed = parseManifest(doc.bytes, doc.mediaType)
    if (parsed.kind === 'manifest') return [{ manifestDigest: doc.digest, manifest: parsed }]
    const wantAll = opts.platform === 'all'
    const want = wantAll ? undefined : opts.platform ? parsePlatformSpec(opts.platform) : hostPlatform()
    const found: ResolvedImage[] = []
    const offered: string[] = []
    await this.#walkIndex(parsed, 0, signal, async (d) => {
      if (d.platform) offered.push(formatPlatform(d.platform))
      if (wantAll ? isImagePlatform(d.platform) : want && platformMatches(d.platform, want)) {
        found.push(await this.#readImage(d, d.platform, signal))
        return !wantAll
      }
      return false
    })
    if (found.length === 0) {
      const asked = wantAll ? 'any platform' : formatPlatform(want ?? hostPlatform())
      throw new ImageError('PLATFORM_NOT_FOUND', `${this.reference} has no image for ${asked}; available: ${offered.join(', ') || 'none'}`, { detail: { available: offered } })
    }
    return found
  }

  /** Visits the image-manifest entries of an index, depth first; `visit` returns true to stop. */
  async #walkIndex(index: ParsedManifest, depth: number, signal: AbortSignal | undefined, visit: (d: Descriptor) => Promise<boolean>): Promise<boolean> {
    if (index.kind !== 'index') return false
    for (const d of index.manifests) {
      if (isIndexMediaType(d.mediaType)) {
        if (depth + 1 > MAX_INDEX_DEPTH) throw new ImageError('SOURCE_INVALID', `image indexes nested deeper than ${MAX_INDEX_DEPTH}`)
        const child = parseManifest(await this.#readDocument(d, 'manifest', signal), d.mediaType)
        if (await this.#walkIndex(child, depth + 1, signal, visit)) return true
      } else if (await visit(d)) return true
    }
    return false
  }

  async #readImage(d: Descriptor, platform: Platform | undefined, signal: AbortSignal | undefined): Promise<ResolvedImage> {
    const parsed = parseManifest(await this.#readDocument(d, 'manifest', signal), d.mediaType)
    if (parsed.kind !== 'manifest') throw new ImageError('SOURCE_INVALID', `${d.digest} is not an image manifest`)
    return { manifestDigest: d.digest, manifest: parsed, ...(platform ? { platform } : {}) }
  }

  async readConfig(manifest: ImageManifest, opts: OpenOptions = {}): Promise<ImageConfig> {
    const bytes = await this.#readDocument(manifest.config, 'blob', opts.signal)
    let json: unknown
    try {
      // The registry's rules (oci/image-config.ts): read the config exactly as Go clients will.
      json = parseImageConfig(bytes)
    } catch (err) {
      const reason = err instanceof StrictJsonError ? err.message : 'not valid JSON'
      throw new ImageError('SOURCE_INVALID', `image config ${manifest.config.digest} is refused: ${reason}`)
    }
    const rootfs = (json as { rootfs?: { diff_ids?: unknown } } | null)?.rootfs
    if (typeof json !== 'object' || json === null || !Array.isArray(rootfs?.diff_ids) || !rootfs.diff_ids.every((d) => typeof d === 'string')) {
      throw new ImageError('SOURCE_INVALID', `image config ${manifest.config.digest} has no rootfs.diff_ids`)
    }
    return json as ImageConfig
  }

  openBlob(descriptor: Descriptor, opts: OpenOptions = {}): Readable {
    return this.#verified(descriptor, 'blob', opts.signal)
  }

  /** Stores of one tenant do not say (ContentStore.hasBlob absent): holding the manifest is enough. */
  async hasBlob(descriptor: Descriptor, opts: OpenOptions = {}): Promise<boolean> {
    return this.#store.hasBlob ? this.#store.hasBlob(descriptor, opts) : true
  }

  #verified(d: Descriptor, kind: 'manifest' | 'blob', signal: AbortSignal | undefined): Readable {
    const out = new VerifyStream(d.digest, d.size)
    this.#store.openRaw(d, kind, signal ? { signal } : {}).then(
      (raw) => pipeline(raw, out, () => {}),
      (err: unknown) => out.destroy(err as Error),
    )
    return out
  }

  /** A small document (manifest, index, config), digest-verified and size-limited. */
  async #readDocument(d: Descriptor, kind: 'manifest' | 'blob', signal: AbortSignal | undefined): Promise<Uint8Array> {
    if (d.size > this.#maxDocumentBytes) {
      throw new ImageError('LIMIT_EXCEEDED', `document ${d.digest} of ${d.size} bytes exceeds the ${this.#maxDocumentBytes}-byte limit`)
    }
    const chunks: Buffer[] = []
    for await (const c of this.#verified(d, kind, signal)) chunks.push(c as Buffer)
    return Buffer.concat(chunks)
  }

  async close(): Promise<void> {
    await this.#store.close()
  }
}

