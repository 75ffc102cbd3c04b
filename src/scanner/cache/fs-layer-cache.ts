/**
 * Filesystem LayerCache. Layout under the cache dir:
 *
 *   <dir>/layers/<key[7..9]>/<key>.json     one LayerAnalysis per file, JSON
 *
 * Writes go to a unique temp file in the same directory and are renamed into place, so readers
 * never see a partial entry and concurrent writers (two scans of images sharing a base layer)
 * do not corrupt each other. An unreadable or malformed entry is a miss and is removed.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LayerAnalysis } from '../image/layer-analysis.ts'
import { isLayerAnalysis, type LayerCache } from './layer-cache.ts'

const KEY = /^sha256-[a-f0-9]{64}$/

export class FsLayerCache implements LayerCache {
  readonly #dir: string

  constructor(dir: string) {
    this.#dir = dir
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
    await mkdir(dir, { recursive: true })
    const tmp = join(dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`)
    try {
      await writeFile(tmp, JSON.stringify(value))
      await rename(tmp, file)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }
}
