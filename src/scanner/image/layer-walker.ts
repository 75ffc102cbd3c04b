/**
 * The layer walker: reads one uncompressed layer tar stream entry by entry and asks every
 * analyzer whether it wants each regular file (`required`, path and metadata only). A file's
 * content is read into memory only when some analyzer wants it, and only up to the smallest of
 * that analyzer's maxFileSize and the global maxFileBytes; everything else is skipped without
 * being buffered. Whiteouts and opaque-directory markers are recorded, not applied: the applier
 * merges layers.
 *
 * Per-file problems become Unknowns and the walk goes on; stream-level problems (corrupt
 * compression, bad tar, limits) throw an ImageError.
 */
import { Readable } from 'node:stream'
import type { Digest } from '../../oci/digest.ts'
import type { AnalysisResult, Analyzer, FileMeta } from '../analyzers/analyzer.ts'
import type { Unknown } from '../model/package.ts'
import type { FileResult, LayerAnalysis, LayerFile } from './layer-analysis.ts'
import { toLayerError } from './layer-stream.ts'
import { baseName, parentDir } from './normalize-path.ts'
import type { ScanLimits } from './scan-limits.ts'
import { readTar, type TarEntry } from './tar-reader.ts'

export interface WalkOptions {
  readonly diffId: Digest
  readonly analyzers: readonly Analyzer[]
  readonly limits: ScanLimits
  readonly signal?: AbortSignal
}

const WHITEOUT = '.wh.'
const OPAQUE = '.wh..wh..opq'
/** Bytes of already-read file contents kept per layer so that hard links to them can be analysed too. */
const HARDLINK_KEEP_BYTES = 64 * 1024 * 1024

function isEmptyResult(r: AnalysisResult | undefined): r is undefined {
  return r === undefined || (r.os === undefined && r.osCandidate === undefined && !r.packages?.length && !r.ownedFiles?.length && !r.unknowns?.length && !r.secrets?.length)
}

async function readBody(entry: TarEntry): Promise<Buffer> {
  const out = Buffer.allocUnsafe(entry.size)
  let pos = 0
  for await (const chunk of entry.body()) {
    chunk.copy(out, pos)
    pos += chunk.length
  }
  return out.subarray(0, pos)
}

export async function walkLayer(tar: Readable | AsyncIterable<Uint8Array>, opts: WalkOptions): Promise<LayerAnalysis> {
  const { diffId, analyzers, limits, signal } = opts
  const files: LayerFile[] = []
  const whiteouts: string[] = []
  const opaqueDirs: string[] = []
  const results: FileResult[] = []
  const unknowns: Unknown[] = []
  const regular = new Map<string, LayerFile>()
  const kept = new Map<string, Buffer>()
  let keptBytes = 0
  let bytes = 0
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of tar as AsyncIterable<Buffer>) {
      bytes += chunk.length
      yield chunk
    }
  }

  const unknown = (path: string, analyzer: string, reason: string): void => {
    unknowns.push({ path, diffId, analyzer, reason })
  }

  async function analyzeContent(meta: FileMeta, wanted: readonly Analyzer[], content: Buffer): Promise<void> {
    for (const a of wanted) {
      try {
        const r = await a.analyze({ path: meta.path, content, meta, diffId })
        if (!isEmptyResult(r)) results.push({ path: meta.path, analyzer: a.name, result: r })
      } catch (err) {
        unknown(meta.path, a.name, `analyzer failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
  }

  function wantedBy(meta: FileMeta): Analyzer[] {
    const out: Analyzer[] = []
    for (const a of analyzers) {
      try {
        if (a.required(meta.path, meta)) out.push(a)
      } catch (err) {
        unknown(meta.path, a.name, `required() failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    return out
  }

  try {
    for await (const entry of readTar(counted(), { maxEntries: limits.maxEntries, maxMetadataBytes: limits.maxMetadataBytes, maxEntrySize: limits.maxLayerBytes })) {
      signal?.throwIfAborted()
      const name = baseName(entry.path)
      if (name.startsWith(WHITEOUT)) {
        if (name === OPAQUE) opaqueDirs.push(parentDir(entry.path))
        else if (!name.startsWith(`${WHITEOUT}${WHITEOUT}`)) {
          const dir = parentDir(entry.path)
          const target = name.slice(WHITEOUT.length)
          whiteouts.push(dir === '' ? target : `${dir}/${target}`)
        }
        continue
      }
      if (entry.path === '') continue
      let file: LayerFile = {
        path: entry.path, type: entry.type, size: entry.size, mode: entry.mode, uid: entry.uid, gid: entry.gid,
        ...(entry.linkTarget !== undefined ? { linkTarget: entry.linkTarget } : {}),
      }
      if (entry.type === 'hardlink') {
        const target = regular.get(entry.linkTarget ?? '')
        if (target) file = { ...file, size: target.size }
      }
      files.push(file)
      if (entry.type !== 'file' && entry.type !== 'hardlink') continue
      if (entry.type === 'file') regular.set(entry.path, file)

      const meta: FileMeta = { path: file.path, size: file.size, mode: file.mode, uid: file.uid, gid: file.gid }
      const wanted = wantedBy(meta)
      if (wanted.length === 0) continue
      const readable = wanted.filter((a) => {
        const cap = Math.min(a.maxFileSize, limits.maxFileBytes)
        if (file.size <= cap) return true
        unknown(file.path, a.name, `file of ${file.size} bytes is larger than the ${cap}-byte limit; not analysed`)
        return false
      })
      if (readable.length === 0) continue

      let content: Buffer | undefined
      if (entry.type === 'hardlink') {
        content = kept.get(entry.linkTarget ?? '')
        if (!content) {
          const why = regular.has(entry.linkTarget ?? '') ? 'hard link target was not kept in memory' : `hard link to missing file ${entry.linkTarget ?? ''}`
          for (const a of readable) unknown(file.path, a.name, why)
          continue
        }
      } else {
        content = await readBody(entry)
        if (keptBytes + content.length <= HARDLINK_KEEP_BYTES) {
          kept.set(entry.path, content)
          keptBytes += content.length
        }
      }
      await analyzeContent(meta, readable, content)
    }
  } catch (err) {
    throw toLayerError(err)
  } finally {
    // On an early exit the decompressor and the blob stream (file handle, socket) must go now.
    if (tar instanceof Readable && !tar.readableEnded) tar.destroy()
  }
  return { diffId, files, whiteouts, opaqueDirs, results, unknowns, uncompressedBytes: bytes }
}
