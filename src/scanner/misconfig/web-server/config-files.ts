/**
 * Web-server configuration files of an image (nginx, HAProxy), read for rules that look at file
 * content rather than file metadata. Only files in the final view are read (what the server
 * would load), symlinks are followed (Debian enables a site with a link in sites-enabled/),
 * and only the layers that provide them are streamed again. Bounded: files over
 * MAX_CONFIG_FILE_BYTES, and files beyond MAX_CONFIG_FILES or MAX_CONFIG_TOTAL_BYTES, are
 * not read (a rule then sees fewer files, never a partial one).
 */
import type { Descriptor } from '../../../oci/descriptor.ts'
import { FileView } from '../../image/file-view.ts'
import { openLayerStream, toLayerError } from '../../image/layer-stream.ts'
import { DEFAULT_SCAN_LIMITS } from '../../image/scan-limits.ts'
import type { ImageSource } from '../../image/source.ts'
import { readTar } from '../../image/tar-reader.ts'
import type { ImageInventory } from '../../pipeline/analyze-image.ts'

export interface ConfigFile {
  /** The regular file that holds the text (a symlink's target), no leading slash. */
  readonly path: string
  readonly text: string
}

/** Keyed by path as named in the image (a symlink or the file itself), no leading slash. */
export type ConfigFiles = ReadonlyMap<string, ConfigFile>

/** Where nginx (Debian, official image, source builds, OpenResty) and HAProxy keep their configuration. */
export const WEB_SERVER_CONFIG_DIRS = /^(?:etc\/nginx|usr\/local\/nginx\/conf|usr\/local\/openresty\/nginx\/conf|etc\/haproxy|usr\/local\/etc\/haproxy)\//

export const MAX_CONFIG_FILE_BYTES = 1024 * 1024
export const MAX_CONFIG_FILES = 1000
export const MAX_CONFIG_TOTAL_BYTES = 16 * 1024 * 1024

export interface ReadConfigOptions {
  readonly signal?: AbortSignal
  /** Which final-view paths to read (default: the nginx and HAProxy directories). */
  readonly wants?: (path: string) => boolean
}

async function readBody(body: AsyncGenerator<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

export async function readWebServerConfigs(source: ImageSource, inventory: ImageInventory, opts: ReadConfigOptions = {}): Promise<ConfigFiles> {
  const wants = opts.wants ?? ((p: string) => WEB_SERVER_CONFIG_DIRS.test(p))
  const view = FileView.fromLayers(inventory.layerFiles)
  // name in the image → [layer, regular file path]
  const named = new Map<string, { layer: number; path: string }>()
  const perLayer = new Map<number, Set<string>>()
  let bytes = 0
  for (const path of [...view.paths()].filter(wants).sort()) {
    const entry = view.resolve(path)
    if (entry === undefined || entry.file.type !== 'file' || entry.file.size > MAX_CONFIG_FILE_BYTES) continue
    const wanted = perLayer.get(entry.layer) ?? new Set<string>()
    if (!wanted.has(entry.file.path)) {
      if (named.size >= MAX_CONFIG_FILES || bytes + entry.file.size > MAX_CONFIG_TOTAL_BYTES) continue
      bytes += entry.file.size
      wanted.add(entry.file.path)
      perLayer.set(entry.layer, wanted)
    }
    named.set(path, { layer: entry.layer, path: entry.file.path })
  }
  const texts = new Map<string, string>() // `${layer}\0${path}`
  for (const [index, wanted] of perLayer) {
    opts.signal?.throwIfAborted()
    const layer = inventory.image.layers[index]
    if (layer === undefined) continue
    const descriptor: Descriptor = { mediaType: layer.mediaType, digest: layer.digest, size: layer.size }
    const raw = source.openBlob(descriptor, opts.signal ? { signal: opts.signal } : {})
    const maxLayerBytes = DEFAULT_SCAN_LIMITS.maxLayerBytes
    const tar = await openLayerStream(raw, { maxUncompressedBytes: maxLayerBytes, expectedDiffId: layer.diffId, ...(opts.signal ? { signal: opts.signal } : {}) })
    try {
      const limits = { maxEntries: DEFAULT_SCAN_LIMITS.maxEntries, maxMetadataBytes: DEFAULT_SCAN_LIMITS.maxMetadataBytes, maxEntrySize: maxLayerBytes }
      for await (const entry of readTar(tar, limits)) {
        if (entry.type !== 'file' || !wanted.has(entry.path) || entry.size > MAX_CONFIG_FILE_BYTES) continue
        texts.set(`${index}\0${entry.path}`, await readBody(entry.body()))
      }
    } catch (err) {
      tar.destroy()
      throw toLayerError(err)
    }
  }
  const out = new Map<string, ConfigFile>()
  for (const [name, { layer, path }] of named) {
    const text = texts.get(`${layer}\0${path}`)
    if (text !== undefined) out.set(name, { path, text })
  }
  return out
}
