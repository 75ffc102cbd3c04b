/**
 * Secret scan of a whole image: the config and history, and every regular file of every layer,
 * including files that a later layer deletes or overwrites (their bytes still ship in the blob,
 * and anyone who pulls the image can read them; the finding says so).
 *
 * This is a pass of its own over the layer blobs, streaming like the package walk: nothing is
 * extracted and only files the scanner wants (<= maxFileBytes) are held in memory, one at a
 * time. It takes the inventory from analyzeImage for the layer list and the per-layer file
 * summaries (deletedLater / replacedLater). When the walker carries analyzer `secrets` results
 * through (see docs/secrets.md), `secretsFromLayerResults` can be used instead of this pass.
 */
import type { Descriptor } from '../../../oci/descriptor.ts'
import type { LayerFileIndex } from '../../image/apply-layers.ts'
import { openLayerStream, toLayerError } from '../../image/layer-stream.ts'
import { DEFAULT_SCAN_LIMITS } from '../../image/scan-limits.ts'
import type { ImageSource } from '../../image/source.ts'
import { readTar } from '../../image/tar-reader.ts'
import type { ImageInventory } from '../../pipeline/analyze-image.ts'
import { scanConfigSecrets } from './scan-config-secrets.ts'
import { createSecretFileScanner, type SecretScanOptions } from './secret-analyzer.ts'
import type { SecretFinding } from './secret-finding.ts'

export interface ImageSecretOptions extends SecretScanOptions {
  readonly signal?: AbortSignal
  /** Max uncompressed bytes per layer (default: the scan default). */
  readonly maxLayerBytes?: number
  /** Most findings returned (default: the scan default maxFindingsPerImage); files past it are not read. */
  readonly maxFindings?: number
}

async function readBody(body: AsyncGenerator<Buffer>, size: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(size)
  let pos = 0
  for await (const chunk of body) {
    if (pos + chunk.length > size) throw new Error('tar entry longer than its header says')
    chunk.copy(out, pos)
    pos += chunk.length
  }
  return out.subarray(0, pos)
}

/** Marks findings of files that a later layer deleted or replaced, and adds the layer index. */
export function annotateLayerState(findings: readonly SecretFinding[], layerFiles: readonly LayerFileIndex[]): SecretFinding[] {
  const byLayer = new Map(layerFiles.map((l, i) => [l.diffId, { index: i, files: new Map(l.files.map((f) => [f.path, f])) }]))
  return findings.map((f) => {
    if (f.location.kind !== 'file' || f.location.diffId === undefined) return f
    const layer = byLayer.get(f.location.diffId)
    const file = layer?.files.get(f.location.path)
    if (!layer) return f
    const digest = layerFiles[layer.index]?.digest
    return {
      ...f,
      location: {
        ...f.location,
        layerIndex: layer.index,
        ...(digest && !f.location.layerDigest ? { layerDigest: digest } : {}),
        ...(file?.deletedLater ? { deletedLater: true } : {}),
        ...(file?.replacedLater ? { replacedLater: true } : {}),
      },
    }
  })
}

export async function scanImageSecrets(source: ImageSource, inventory: ImageInventory, opts: ImageSecretOptions = {}): Promise<SecretFinding[]> {
  const scanner = createSecretFileScanner(opts)
  const found: SecretFinding[] = [...scanConfigSecrets(inventory.image.config, opts)]
  const maxFindings = opts.maxFindings ?? DEFAULT_SCAN_LIMITS.maxFindingsPerImage
  for (const layer of inventory.image.layers) {
    opts.signal?.throwIfAborted()
    const descriptor: Descriptor = { mediaType: layer.mediaType, digest: layer.digest, size: layer.size }
    const raw = source.openBlob(descriptor, opts.signal ? { signal: opts.signal } : {})
    const maxLayerBytes = opts.maxLayerBytes ?? DEFAULT_SCAN_LIMITS.maxLayerBytes
    const tar = await openLayerStream(raw, { maxUncompressedBytes: maxLayerBytes, expectedDiffId: layer.diffId, ...(opts.signal ? { signal: opts.signal } : {}) })
    try {
      const limits = { maxEntries: DEFAULT_SCAN_LIMITS.maxEntries, maxMetadataBytes: DEFAULT_SCAN_LIMITS.maxMetadataBytes, maxEntrySize: maxLayerBytes }
      for await (const entry of readTar(tar, limits)) {
        if (entry.type !== 'file' || found.length >= maxFindings || !scanner.wants(entry.path, entry.size)) continue
        const content = await readBody(entry.body(), entry.size)
        for (const f of scanner.scan({ path: entry.path, content, diffId: layer.diffId, layerDigest: layer.digest })) found.push(f)
      }
    } catch (err) {
      tar.destroy()
      throw toLayerError(err)
    }
  }
  return annotateLayerState(found.slice(0, maxFindings), inventory.layerFiles)
}
