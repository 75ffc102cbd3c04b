/**
 * The layer walker: reads one uncompressed layer tar stream entry by entry and asks every
 * analyzer whether it wants each regular file (`required`, path and metadata only). A file's
 * content is read into memory only when some analyzer wants it, and only up to the smallest of
 * that analyzer's maxFileSize and the global maxFileBytes; everything else is skipped without
 * being buffered. Whiteouts and opaque-directory markers are recorded, not applied: the applier
 * merges layers.
 *
 * Hard links: a link adds a name, not content. The content behind a set of links is analysed at
 * most once per analyzer: by each analyzer at the first name it wants (the file itself, or the
 * first link when the file's own path does not interest it, as with pnpm's store). Its results
 * are on that path; the links are in `files` (type 'hardlink', linkTarget), so the file
 * summaries still show every name. A file and N links are one set of findings, not N + 1.
 *
 * Findings are bounded per layer (limits.maxFindingsPerLayer): past it results keep their
 * packages but lose their secrets, which are counted in `omittedFindings`.
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
  /** Path of a regular file or a hard link → the regular file whose content it names. */
  const contentOf = new Map<string, string>()
  /** Regular file (content) → the analyzers that already had it, under whichever name. */
  const analysedBy = new Map<string, Set<string>>()
  let findings = 0
  let omittedFindings = 0
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

  /** Keeps a result's secrets while the layer's budget lasts; counts the rest. */
  function bounded(r: AnalysisResult): AnalysisResult {
    const found = r.secrets?.length ?? 0
    if (found === 0) return r
    const room = Math.max(0, limits.maxFindingsPerLayer - findings)
    findings += Math.min(found, room)
    if (found <= room) return r
    omittedFindings += found - room
    return { ...r, secrets: r.secrets?.slice(0, room) ?? [] }
  }

  async function analyzeContent(meta: FileMeta, wanted: readonly Analyzer[], content: Buffer): Promise<void> {
    for (const a of wanted) {
      try {
        const r = await a.analyze({ path: meta.path, content, meta, diffId })
        const result = r && bounded(r)
        if (!isEmptyResult(result)) results.push({ path: meta.path, analyzer: a.name, result })
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
      // The regular file whose content this entry is (itself, or a hard link's target, even
      // through a link to a link); a link to a missing file names itself, so it is judged once.
      let content: string = entry.path
      if (entry.type === 'hardlink') {
        content = contentOf.get(entry.linkTarget ?? '') ?? `\0missing\0${entry.linkTarget ?? ''}`
        const target = regular.get(content)
        if (target) file = { ...file, size: target.size }
      }
      files.push(file)
      if (entry.type !== 'file' && entry.type !== 'hardlink') continue
      contentOf.set(entry.path, content)
      if (entry.type === 'file') {
        regular.set(entry.path, file)
        // New content under this name (a path may repeat in a tar): nobody has analysed it yet.
        analysedBy.set(entry.path, new Set())
      }

      const meta: FileMeta = { path: file.path, size: file.size, mode: file.mode, uid: file.uid, gid: file.gid }
      const done = analysedBy.get(content) ?? new Set<string>()
      analysedBy.set(content, done)
      const wanted = wantedBy(meta).filter((a) => !done.has(a.name))
      for (const a of wanted) done.add(a.name)
      if (wanted.length === 0) continue
      const readable = wanted.filter((a) => {
        const cap = Math.min(a.maxFileSize, limits.maxFileBytes)
        if (file.size <= cap) return true
        unknown(file.path, a.name, `file of ${file.size} bytes is larger than the ${cap}-byte limit; not analysed`)
        return false
      })
      if (readable.length === 0) continue

      let body: Buffer | undefined
      if (entry.type === 'hardlink') {
        body = kept.get(content)
        if (!body) {
          const why = regular.has(content) ? 'hard link target was not kept in memory' : `hard link to missing file ${entry.linkTarget ?? ''}`
          for (const a of readable) unknown(file.path, a.name, why)
          continue
        }
      } else {
        body = await readBody(entry)
        const previous = kept.get(entry.path)
        if (previous) keptBytes -= previous.length
        kept.delete(entry.path)
        if (keptBytes + body.length <= HARDLINK_KEEP_BYTES) {
          kept.set(entry.path, body)
          keptBytes += body.length
        }
      }
      await analyzeContent(meta, readable, body)
    }
  } catch (err) {
    throw toLayerError(err)
  } finally {
    // On an early exit the decompressor and the blob stream (file handle, socket) must go now.
    if (tar instanceof Readable && !tar.readableEnded) tar.destroy()
  }
  return { diffId, files, whiteouts, opaqueDirs, results, unknowns, uncompressedBytes: bytes, ...(omittedFindings > 0 ? { omittedFindings } : {}) }
}
