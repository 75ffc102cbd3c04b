/**
 * Online garbage collection: deletes blobs nothing references while the registry keeps serving
 * pushes and pulls (protocol: docs/storage-layout.md "Garbage collection").
 *
 *   1. lease: one collector at a time, across replicas (a row in the metadata store);
 *   2. finish what a dead collector left (tombstones: delete bytes, release);
 *   3. cutoff = now − grace period;
 *   4. mark: every manifest of every repository, and what its bytes reference (config, layers,
 *      child manifests), is live;
 *   5. sweep: every blob in storage or linked anywhere that is not marked is claimed in one
 *      metadata transaction that re-checks it (no manifest row, no link created and no pin since
 *      the cutoff) and records a tombstone while removing its links; then its bytes are deleted
 *      and the tombstone released. Writers pin a blob before writing or linking it and cannot
 *      pin a claimed one (gc/blob-pins.ts); a manifest push re-checks and pins its blobs in the
 *      transaction that stores it. Either the claim comes first (the push fails cleanly, or
 *      re-uploads after the bytes are gone) or the pin does (the blob is kept).
 *   6. pins older than the cutoff are pruned; expired uploads are purged.
 *
 * Nothing here relies on an in-process lock; the storage driver only needs list/stat/delete.
 */
import { isDigest, type Digest } from '../../oci/digest.ts'
import { RegistryError } from '../../oci/errors.ts'
import { parseManifest } from '../../oci/manifest.ts'
import type { JsonLimits } from '../../oci/strict-json.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { GcMetrics } from '../metrics/registry-metrics.ts'
import { uuidGenerator, type Clock, type IdGenerator } from '../ports.ts'
import { isPathNotFound, type StorageDriver } from '../storage/driver.ts'
import { blobDataPath, blobDirPath } from '../storage/paths.ts'

export interface GcLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface GcDeps {
  readonly store: MetadataStore
  readonly driver: StorageDriver
  readonly clock: Clock
  /** Run ids (also the lease owner); uuidGenerator when absent. */
  readonly ids?: IdGenerator
  /** A blob linked or pinned this recently is kept even when unreferenced (push in progress). */
  readonly gracePeriodMs: number
  /** Bounds for reading stored manifests (the same as at push). */
  readonly jsonLimits?: JsonLimits
  /** Purges expired upload sessions (UploadService.purgeExpired); resolves to how many. */
  readonly purgeUploads?: () => Promise<number>
  readonly log?: GcLog
  /** Counts runs and what they deleted (docs/metrics.md); nothing when absent. */
  readonly metrics?: GcMetrics
  /** Test seams: called after marking, and after claiming a blob before its bytes are deleted. */
  readonly hooks?: {
    readonly afterMark?: () => Promise<void>
    readonly afterClaim?: (digest: Digest) => Promise<void>
  }
}

export interface GcBlob {
  readonly digest: Digest
  readonly size: number
}

export interface GcReport {
  readonly runId: string
  readonly dryRun: boolean
  readonly startedAt: string
  readonly durationMs: number
  /** Distinct manifests marked (each keeps itself and what it references). */
  readonly manifests: number
  /** Distinct blobs marked live. */
  readonly liveBlobs: number
  /** Unmarked blobs kept because they were linked or pinned within the grace period. */
  readonly keptRecent: number
  /** Blobs deleted (dry run: that would be). */
  readonly deletedBlobs: number
  /** Bytes freed (dry run: that would be). */
  readonly freedBytes: number
  /** Repository links removed with the deleted blobs. */
  readonly removedLinks: number
  /** Expired upload sessions (and session-less upload directories) purged; 0 in a dry run. */
  readonly expiredUploads: number
  /** Tombstones of an earlier, interrupted run that this run finished. */
  readonly recovered: number
  /** Dry run only: what would be deleted (first LIST_LIMIT entries). */
  readonly blobs?: readonly GcBlob[]
}

const LEASE = 'gc'
const LEASE_TTL_MS = 60_000
const PAGE = 1000
/** Blobs claimed per metadata transaction. */
const BATCH = 100
const DELETE_CONCURRENCY = 8
/** A dry run lists at most this many blobs (the totals count them all). */
export const LIST_LIMIT = 1000

export class GcService {
  readonly #d: GcDeps

  constructor(deps: GcDeps) {
    this.#d = deps
  }

  /** Runs a collection (or a dry run); throws a 409 when another collector holds the lease. */
  async run(opts: { readonly dryRun?: boolean } = {}): Promise<GcReport> {
    const dryRun = opts.dryRun === true
    const runId = (this.#d.ids ?? uuidGenerator).next()
    const began = this.#d.clock.now()
    const t0 = performance.now()
    if (!(await this.#lease(runId))) {
      throw new RegistryError('UNAVAILABLE', 'a garbage collection is already running; retry later', { status: 409, headers: { 'Retry-After': '60' } })
    }
    try {
      const recovered = dryRun ? 0 : await this.#recover(runId)
      const cutoff = new Date(began.getTime() - this.#d.gracePeriodMs)
      const { live, manifests } = await this.#mark(runId)
      await this.#d.hooks?.afterMark?.()
      const sweep = await this.#sweep(live, cutoff, runId, dryRun)
      const expiredUploads = dryRun ? 0 : ((await this.#d.purgeUploads?.()) ?? 0)
      if (!dryRun) await this.#d.store.gc.prunePins(cutoff)
      const report: GcReport = {
        runId, dryRun, startedAt: began.toISOString(), durationMs: Math.round(performance.now() - t0),
        manifests, liveBlobs: live.size, ...sweep, expiredUploads, recovered,
      }
      const { blobs: _listed, ...logged } = report
      this.#d.log?.info(logged, dryRun ? 'garbage collection dry run' : 'garbage collection finished')
      this.#d.metrics?.gcRun(dryRun ? 'dry_run' : 'completed', { blobs: report.deletedBlobs, bytes: report.freedBytes })
      return report
    } catch (err) {
      this.#d.log?.error({ err, runId }, 'garbage collection failed')
      this.#d.metrics?.gcRun('failed', { blobs: 0, bytes: 0 })
      throw err
    } finally {
      await this.#d.store.gc.releaseLease(LEASE, runId).catch(() => undefined)
    }
  }

  /** Finishes the deletions of a collector that died between claim and release (writers wait on them). */
  async recoverLeftovers(): Promise<number> {
    if ((await this.#d.store.gc.deletions(1)).length === 0) return 0
    const owner = (this.#d.ids ?? uuidGenerator).next()
    if (!(await this.#lease(owner))) return 0
    try {
      return await this.#recover(owner)
    } finally {
      await this.#d.store.gc.releaseLease(LEASE, owner).catch(() => undefined)
    }
  }

  async #lease(owner: string): Promise<boolean> {
    return this.#d.store.gc.acquireLease(LEASE, owner, this.#d.clock.now(), LEASE_TTL_MS)
  }

  /** Renews the lease; a collector that lost it (paused longer than the TTL) stops before deleting more. */
  async #renew(owner: string): Promise<void> {
    if (!(await this.#lease(owner))) throw new Error('garbage collection lost its lease (another collector took over); stopped')
  }

  async #recover(owner: string): Promise<number> {
    let n = 0
    for (;;) {
      const left = await this.#d.store.gc.deletions(PAGE)
      for (const t of left) {
        await this.#deleteBytes(t.digest)
        await this.#d.store.gc.release([t.digest])
        n++
      }
      if (left.length < PAGE) break
      await this.#renew(owner)
    }
    if (n > 0) this.#d.log?.info({ recovered: n }, 'garbage collection finished deletions left by an interrupted run')
    return n
  }

  /** Every manifest digest of every repository and what its bytes reference. */
  async #mark(owner: string): Promise<{ readonly live: Set<string>; readonly manifests: number }> {
    const live = new Set<string>()
    let manifests = 0
    let last: Digest | undefined
    for (;;) {
      const page = await this.#d.store.gc.manifestDigests({ n: PAGE, ...(last === undefined ? {} : { last }) })
      for (const digest of page) {
        manifests++
        live.add(digest)
        for (const d of await this.#references(digest)) live.add(d)
      }
      last = page[page.length - 1]
      if (page.length < PAGE) break
      await this.#renew(owner)
    }
    return { live, manifests }
  }

  /**
   * What a stored manifest references. A manifest that cannot be read stops the run before
   * anything is deleted: its references are unknown, and guessing could delete live blobs.
   */
  async #references(digest: Digest): Promise<readonly Digest[]> {
    let bytes: Buffer
    try {
      bytes = await this.#d.driver.getContent(blobDataPath(digest))
    } catch (err) {
      // Bytes gone already (deleted by hand, an older version): it references nothing we can keep.
      if (isPathNotFound(err)) {
        this.#d.log?.error({ digest }, 'garbage collection: a manifest has no bytes in storage')
        return []
      }
      throw err
    }
    try {
      const m = parseManifest(bytes, undefined, this.#d.jsonLimits)
      return m.kind === 'index'
        ? m.manifests.map((x) => x.digest)
        : [m.config.digest, ...m.layers.map((x) => x.digest)]
    } catch (err) {
      throw new RegistryError('UNKNOWN', `garbage collection stopped before deleting anything: stored manifest ${digest} cannot be parsed (${(err as Error).message})`, { cause: err })
    }
  }

  async #sweep(live: ReadonlySet<string>, cutoff: Date, runId: string, dryRun: boolean): Promise<Pick<GcReport, 'keptRecent' | 'deletedBlobs' | 'freedBytes' | 'removedLinks' | 'blobs'>> {
    let keptRecent = 0
    let deletedBlobs = 0
    let freedBytes = 0
    let removedLinks = 0
    const listed: GcBlob[] = []
    let renewedAt = performance.now()
    const seen = new Set<string>()
    let batch: Digest[] = []

    /**
     * Claims a batch in one transaction, deletes the claimed blobs' bytes, releases them in one
     * transaction (a writer waiting on one of them waits for the batch: milliseconds).
     */
    const flush = async (): Promise<void> => {
      const digests = batch
      batch = []
      if (digests.length === 0) return
      if (performance.now() - renewedAt > LEASE_TTL_MS / 4) {
        await this.#renew(runId)
        renewedAt = performance.now()
      }
      const outcome = await this.#d.store.transaction((tx) => tx.gc.claim(digests, cutoff, runId, this.#d.clock.now()))
      const claimed: Array<readonly [Digest, number]> = []
      digests.forEach((digest, i) => {
        const links = outcome[i]
        if (links === undefined) keptRecent++
        else claimed.push([digest, links])
      })
      // A few deletions in flight at once: each is a couple of file system calls (or S3 requests).
      let next = 0
      await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, claimed.length) }, async () => {
        while (next < claimed.length) {
          const [digest, links] = claimed[next++] as readonly [Digest, number]
          await this.#d.hooks?.afterClaim?.(digest)
          // Read after the await: `freedBytes += await …` would lose the other workers' additions.
          const freed = await this.#deleteBytes(digest)
          freedBytes += freed
          deletedBlobs++
          removedLinks += links
        }
      }))
      await this.#d.store.transaction((tx) => tx.gc.release(claimed.map(([digest]) => digest)))
    }

    const visit = async (digest: Digest): Promise<void> => {
      if (seen.has(digest)) return
      seen.add(digest)
      if (live.has(digest)) return
      if (!dryRun) {
        batch.push(digest)
        if (batch.length >= BATCH) await flush()
        return
      }
      if (await this.#d.store.gc.isLive(digest, cutoff)) {
        keptRecent++
        return
      }
      const size = await this.#size(digest)
      deletedBlobs++
      freedBytes += size
      if (listed.length < LIST_LIMIT) listed.push({ digest, size })
    }
    for await (const digest of this.#storedBlobs()) await visit(digest)
    // Links whose bytes are already gone (or were never written) are unreferenced metadata too.
    let last: Digest | undefined
    for (;;) {
      const page = await this.#d.store.gc.linkedDigests({ n: PAGE, ...(last === undefined ? {} : { last }) })
      for (const digest of page) await visit(digest)
      last = page[page.length - 1]
      if (page.length < PAGE) break
    }
    await flush()
    return { keptRecent, deletedBlobs, freedBytes, removedLinks, ...(dryRun ? { blobs: listed } : {}) }
  }

  /** Digests of the blobs in storage: blobs/<alg>/<2 hex>/<hex>/. */
  async *#storedBlobs(): AsyncGenerator<Digest> {
    for (const alg of await this.#list('blobs')) {
      for (const prefix of await this.#list(`blobs/${alg}`)) {
        for (const hex of await this.#list(`blobs/${alg}/${prefix}`)) {
          const digest = `${alg}:${hex}`
          if (isDigest(digest)) yield digest
        }
      }
    }
  }

  async #list(path: string): Promise<readonly string[]> {
    try {
      return await this.#d.driver.list(path)
    } catch (err) {
      if (isPathNotFound(err)) return []
      throw err
    }
  }

  async #size(digest: Digest): Promise<number> {
    try {
      return (await this.#d.driver.stat(blobDataPath(digest))).size
    } catch (err) {
      if (isPathNotFound(err)) return 0
      throw err
    }
  }

  /** Deletes the blob's directory; resolves to the bytes freed (0 when it was gone already). */
  async #deleteBytes(digest: Digest): Promise<number> {
    const size = await this.#size(digest)
    try {
      await this.#d.driver.delete(blobDirPath(digest))
    } catch (err) {
      if (!isPathNotFound(err)) throw err
    }
    return size
  }
}
