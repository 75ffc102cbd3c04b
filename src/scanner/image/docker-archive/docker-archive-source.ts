/**
 * `docker-archive:FILE[:REPO:TAG]`: what `docker save` (and `skopeo copy ... docker-archive:`)
 * writes. `manifest.json` lists, per image, `Config` (a JSON file) and `Layers` (tar paths), in
 * both layouts: the classic one (`<hex>.json`, `<id>/layer.tar`) and the newer one with an OCI
 * layout inside (`blobs/sha256/<hex>`). The archive has no registry manifest, so one is
 * synthesised (Docker v2 schema 2) and its digest reported; blob digests come from the
 * `blobs/sha256/` names, or for classic uncompressed layers from the config's diff_ids, and are
 * verified while streaming like any other source's.
 */
import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { Descriptor } from '../../../oci/descriptor.ts'
import { digestOf, isDigest, type Digest } from '../../../oci/digest.ts'
import { parseImageConfig } from '../../../oci/image-config.ts'
import { MediaType } from '../../../oci/media-types.ts'
import { ANY_JSON, arrayOf, mapOf, parseStrictJson, StrictJsonError, structOf } from '../../../oci/strict-json.ts'
import type { ContentStore, RootDocument } from '../content-store.ts'
import { ImageError } from '../image-errors.ts'
import { sniffCompression } from '../layer-stream.ts'
import { normalizeTarPath } from '../normalize-path.ts'
import { DEFAULT_SCAN_LIMITS } from '../scan-limits.ts'
import type { ImageSource } from '../source.ts'
import { StoreImageSource } from '../store-image-source.ts'
import { TarFileIndex } from '../tar-file-index.ts'

interface ArchiveImage {
  readonly Config: string
  readonly RepoTags?: readonly string[] | null
  readonly Layers: readonly string[]
}

const PLAIN_TAR = 'application/vnd.docker.image.rootfs.diff.tar'

/** `docker load`'s manifest.json entry struct, for the strict JSON rules (oci/strict-json.ts). */
const ARCHIVE_MANIFEST_SHAPE = arrayOf(structOf({ Config: ANY_JSON, RepoTags: ANY_JSON, Layers: ANY_JSON, Parent: ANY_JSON, LayerSources: mapOf() }))

function refusedJson(err: unknown): string {
  return err instanceof StrictJsonError ? err.message : 'not valid JSON'
}

function parseArchiveManifest(bytes: Buffer, file: string): ArchiveImage[] {
  let json: unknown
  try {
    json = parseStrictJson(bytes, { shape: ARCHIVE_MANIFEST_SHAPE })
  } catch (err) {
    throw new ImageError('SOURCE_INVALID', `${file}: manifest.json is refused: ${refusedJson(err)}`)
  }
  const ok = Array.isArray(json) && json.every((e: unknown) => {
    const o = e as Partial<ArchiveImage> | null
    return typeof o === 'object' && o !== null && typeof o.Config === 'string' && Array.isArray(o.Layers) && o.Layers.every((l) => typeof l === 'string')
  })
  if (!ok) throw new ImageError('SOURCE_INVALID', `${file}: manifest.json is not a docker save manifest`)
  return json as ArchiveImage[]
}

function pickImage(images: readonly ArchiveImage[], repoTag: string | undefined, file: string): ArchiveImage {
  if (repoTag !== undefined) {
    // Writers normalise names (`test/app:1` is stored as `docker.io/test/app:1`).
    const wanted = new Set([repoTag, `docker.io/${repoTag}`, `docker.io/library/${repoTag}`])
    const hit = images.find((i) => i.RepoTags?.some((t) => wanted.has(t)))
    if (!hit) throw new ImageError('IMAGE_NOT_FOUND', `${file} has no image tagged ${repoTag}`)
    return hit
  }
  const [only, ...more] = images
  if (!only) throw new ImageError('IMAGE_NOT_FOUND', `${file}: manifest.json lists no images`)
  if (more.length > 0) throw new ImageError('SOURCE_INVALID', `${file} holds ${images.length} images; name one with :REPO:TAG`)
  return only
}

async function entryHead(index: TarFileIndex, path: string): Promise<Buffer> {
  for await (const c of index.open(path, path)) return c as Buffer
  return Buffer.alloc(0)
}

async function hashEntry(index: TarFileIndex, path: string): Promise<Digest> {
  const h = createHash('sha256')
  for await (const c of index.open(path, path)) h.update(c as Buffer)
  return `sha256:${h.digest('hex')}` as Digest
}

class DockerArchiveStore implements ContentStore {
  readonly #index: TarFileIndex
  readonly #root: RootDocument
  readonly #paths: ReadonlyMap<string, string>

  constructor(index: TarFileIndex, root: RootDocument, paths: ReadonlyMap<string, string>) {
    this.#index = index
    this.#root = root
    this.#paths = paths
  }

  async root(): Promise<RootDocument> {
    return this.#root
  }

  async openRaw(d: Descriptor): Promise<Readable> {
    const path = this.#paths.get(d.digest)
    if (!path) throw new ImageError('IMAGE_NOT_FOUND', `blob ${d.digest} is not in ${this.#index.file}`)
    return this.#index.open(path, `blob ${d.digest}`)
  }

  async close(): Promise<void> {}
}

export async function openDockerArchive(reference: string, file: string, repoTag: string | undefined, maxDocumentBytes = DEFAULT_SCAN_LIMITS.maxDocumentBytes): Promise<ImageSource> {
  const index = await TarFileIndex.build(file, { what: 'docker archive' })
  const image = pickImage(parseArchiveManifest(await index.read('manifest.json', 'manifest.json', maxDocumentBytes), file), repoTag, file)
  const configPath = normalizeTarPath(image.Config)
  const configBytes = await index.read(configPath, `config ${image.Config}`, maxDocumentBytes)
  const configDigest = digestOf(configBytes)
  let diffIds: unknown
  try {
    diffIds = (parseImageConfig(configBytes) as { rootfs?: { diff_ids?: unknown } }).rootfs?.diff_ids
  } catch (err) {
    throw new ImageError('SOURCE_INVALID', `${file}: config ${image.Config} is refused: ${refusedJson(err)}`)
  }
  if (!Array.isArray(diffIds) || diffIds.length !== image.Layers.length) {
    throw new ImageError('SOURCE_INVALID', `${file}: config diff_ids do not match the ${image.Layers.length} layers`)
  }
  const paths = new Map<string, string>([[configDigest, configPath]])
  const layers: Descriptor[] = []
  for (const [i, raw] of image.Layers.entries()) {
    const path = normalizeTarPath(raw)
    const entry = index.get(path)
    if (!entry) throw new ImageError('IMAGE_NOT_FOUND', `${file}: layer ${raw} is missing`)
    const compression = sniffCompression(await entryHead(index, path))
    const named = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(path)?.[1]
    const diffId = diffIds[i]
    let digest: Digest
    if (named) digest = `sha256:${named}` as Digest
    else if (compression === 'none' && typeof diffId === 'string' && isDigest(diffId)) digest = diffId
    else digest = await hashEntry(index, path)
    const mediaType = compression === 'gzip' ? MediaType.dockerLayerGzip : compression === 'zstd' ? MediaType.ociLayerZstd : PLAIN_TAR
    paths.set(digest, path)
    layers.push({ mediaType, digest, size: entry.size })
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.dockerManifest,
    config: { mediaType: MediaType.dockerConfig, digest: configDigest, size: configBytes.length },
    layers,
  }
  const bytes = Buffer.from(JSON.stringify(manifest))
  const root: RootDocument = { bytes, digest: digestOf(bytes), mediaType: MediaType.dockerManifest }
  return new StoreImageSource(reference, new DockerArchiveStore(index, root, paths), maxDocumentBytes)
}
