/**
 * Filesystem LayerCache. Layout under the cache dir:
 *
 *   <dir>/layers/<key[7..9]>/<key>.json     one LayerAnalysis per file, JSON
 *
 * Writes go to a unique temp file in the same directory and are renamed into place, so readers
 * never see a partial entry and concurrent writers (two scans of images sharing a base layer)
 * do not corrupt each other. An unreadable or malformed entry is a miss and is removed.
 *
 * Bounded: an entry larger than `maxEntryBytes` is not written (the analysis is still used, only
 * not kept), and no entry is written when it would leave less than `minFreeBytes` free on the
 * cache's filesystem (the registry passes its upload floor, limits.minFreeSpace, so the cache
 * cannot fill the disk past the point where pushes are refused). A cache declines; it never fails.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LayerAnalysis } from '../image/layer-analysis.ts'
import { boundedJson, DEFAULT_MAX_CACHE_ENTRY_BYTES, isLayerAnalysis, type LayerCache } from './layer-cache.ts'

const KEY = /^sha256-[a-f0-9]{64}$/

export interface FsLayerCacheOptions {
  /** Largest entry written, in bytes of JSON (default DEFAULT_MAX_CACHE_ENTRY_BYTES). */
  readonly maxEntryBytes?: number
  /** Free bytes the filesystem must keep after a write (default 0: no floor). */
  readonly minFreeBytes?: number
  /** Free bytes on the cache's filesystem, undefined when unknown (then only the entry bound applies). */
  readonly freeSpace?: () => Promise<number | undefined>
}

export class FsLayerCache implements LayerCache {
  readonly #dir: string
  readonly #maxEntryBytes: number
  readonly #minFreeBytes: number
  readonly #freeSpace: (() => Promise<number | undefined>) | undefined

  constructor(dir: string, opts: FsLayerCacheOptions = {}) {
    this.#dir = dir
    this.#maxEntryBytes = opts.maxEntryBytes ?? DEFAULT_MAX_CACHE_ENTRY_BYTES
    this.#minFreeBytes = opts.minFreeBytes ?? 0
    this.#freeSpace = opts.freeSpace
  }

  #path(key: string): { dir: string; file: string } {
    // Keys are our own hashes; refusing anything else keeps them from naming paths outside the dir.
    if (!KEY.test(key)) throw new Error(`invalid layer cache key ${key.slice(0, 80)}`)
    const dir = join(this.#dir, 'layers', key.slice(7, 9))
    return { dir, file: join(dir, `${key}.json`) }
  }

  async get(key: string): Promise<LayerAnalysis | undefined> {
    const { file } = this.#path(key)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      return undefined
    }
    try {
      const v: unknown = JSON.parse(text)
      if (isLayerAnalysis(v)) return v
    } catch {
      // fall through: corrupt entry
    }
    await rm(file, { force: true })
    return undefined
  }

  async put(key: string, value: LayerAnalysis): Promise<void> {
    const { dir, file } = this.#path(key)
    const text = boundedJson(value, this.#maxEntryBytes)
    if (text === undefined || !(await this.#roomFor(Buffer.byteLength(text)))) return
    await mkdir(dir, { recursive: true })
    const tmp = join(dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      await writeFile(tmp, text)
      await rename(tmp, file)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }

  async #roomFor(bytes: number): Promise<boolean> {
    if (this.#minFreeBytes <= 0 || !this.#freeSpace) return true
    const free = await this.#freeSpace()
    return free === undefined || free - bytes >= this.#minFreeBytes
  }
}

