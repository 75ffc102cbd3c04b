/**
 * UploadAnalyses: the registry's layer analyses made while blobs are uploaded (layer-tee.ts),
 * bounded in number, stored in the scan layer cache, and awaited by the scan job so a layer is
 * never analysed twice because its upload's analysis was still finishing when the manifest came.
 *
 * Contract for the upload side (tee-upload-service.ts): `open` when a session starts at offset
 * 0, `write` every byte in order, then exactly one of `commit(digest)` (blob stored) or `abort`.
 * Every analysed layer is logged as `layer analysed` with `source: 'upload'`; the scan job logs
 * its own with `source: 'storage'` (tests count both).
 */
import type { Digest } from '../../oci/digest.ts'
import type { LayerCache } from '../../scanner/cache/layer-cache.ts'
import type { ScanLimits } from '../../scanner/image/scan-limits.ts'
import { LayerTee, type TeeOutcome } from './layer-tee.ts'
import type { ScanWorkerLog } from './scan-worker.ts'

export interface UploadAnalysesOptions {
  readonly cache: LayerCache
  /** The limits the scans use (registryScanLimits): part of the cache key, so they must agree. */
  readonly limits: ScanLimits
  readonly log: ScanWorkerLog
  /** Whether uploads into this repository are worth analysing (it scans on push). */
  readonly wanted: (repo: string) => boolean
  /** Analyses running at once; further uploads are not teed (default 4). */
  readonly maxActive?: number
  /** Bytes queued per upload before it waits or the tee is dropped (default 8 MiB). */
  readonly maxBufferedBytes?: number
  /** Total time one upload may wait for its analysis (default 2 s). */
  readonly maxStallMs?: number
}

/** One upload's tee, as the upload service sees it. */
export interface UploadTap {
  readonly active: boolean
  write(chunk: Uint8Array): Promise<void> | undefined
  commit(digest: Digest): void
  abort(reason: string): void
}

const MIB = 1024 * 1024

export class UploadAnalyses {
  readonly #o: UploadAnalysesOptions
  #active = 0
  /** Blob digest → the analysis of its committed upload, until it is stored. */
  readonly #pending = new Map<string, Promise<void>>()

  constructor(opts: UploadAnalysesOptions) {
    this.#o = opts
  }

  /** Where the analyses are stored (the scan jobs read the same cache). */
  get cache(): LayerCache {
    return this.#o.cache
  }

  /** A tap for a new upload session into `repo`, or undefined (not wanted, too many running). */
  open(repo: string): UploadTap | undefined {
    if (!this.#o.wanted(repo) || this.#active >= (this.#o.maxActive ?? 4)) return undefined
    const tee = new LayerTee({
      maxBufferedBytes: this.#o.maxBufferedBytes ?? 8 * MIB,
      maxStallMs: this.#o.maxStallMs ?? 2_000,
      // Loaded on first use: a registry that never scans does not load the analyzers.
      analyze: async (raw, onTar, diffId, signal) => (await import('./scan-analysis.ts')).analyzeRawLayer(raw, onTar, diffId, signal, this.#o.limits),
    })
    this.#active++
    let open = true
    const release = (): void => {
      if (open) this.#active--
      open = false
    }
    return {
      get active() {
        return open && tee.active
      },
      write: (chunk) => (open ? tee.write(chunk) : undefined),
      commit: (digest) => {
        if (!open) return
        const done = tee.end().then((outcome) => this.#store(digest, outcome)).finally(release)
        const tracked = done.finally(() => {
          if (this.#pending.get(digest) === tracked) this.#pending.delete(digest)
        })
        this.#pending.set(digest, tracked)
      },
      abort: (reason) => {
        tee.abort(reason)
        release()
      },
    }
  }

  /** Resolves when no upload analysis of these blobs is still running. */
  async settled(digests: readonly string[]): Promise<void> {
    await Promise.all(digests.map((d) => this.#pending.get(d)))
  }

  async #store(blob: Digest, outcome: TeeOutcome): Promise<void> {
    if (outcome.kind !== 'analysed') {
      // Configs and other non-layers are the common case: not worth a log line.
      if (!outcome.reason.startsWith('not a layer')) this.#o.log.info({ blob, reason: outcome.reason }, 'layer not analysed during upload')
      return
    }
    try {
      const { registryLayerCacheKey } = await import('./scan-analysis.ts')
      // Keyed by the blob digest the upload was verified against; the entry carries the diff_id
      // hashed from the bytes, which the scan compares with the config's claim.
      await this.#o.cache.put(registryLayerCacheKey(blob, this.#o.limits), outcome.analysis)
      this.#o.log.info({ blob, diffId: outcome.diffId, source: 'upload' }, 'layer analysed')
    } catch (err) {
      this.#o.log.error({ err, blob }, 'could not store the layer analysis of an upload')
    }
  }
}
