/**
 * StorageDriver held in memory, for tests and development. Objects live in a Map keyed by path;
 * directories are implied by the paths of their objects, as in object stores.
 */
import { Readable } from 'node:stream'
import {
  checkPath, InvalidOffsetError, PathNotFoundError, StorageDriverError,
  type FileInfo, type FileWriter, type IoOptions, type StorageDriver,
} from '../driver.ts'

const NAME = 'memory'

interface Entry {
  data: Buffer
  modifiedAt: Date
}

export class MemoryDriver implements StorageDriver {
  readonly name = NAME
  readonly #objects = new Map<string, Entry>()
  /** Uncommitted writer content, by path (survives close() so append=true can resume). */
  readonly #partials = new Map<string, Buffer[]>()

  async getContent(path: string, _opts: IoOptions = {}): Promise<Buffer> {
    return Buffer.from(this.#get(path).data)
  }

  async putContent(path: string, content: Uint8Array, _opts: IoOptions = {}): Promise<void> {
    checkPath(NAME, path)
    this.#objects.set(path, { data: Buffer.from(content), modifiedAt: new Date() })
  }

  async reader(path: string, opts: IoOptions & { readonly offset?: number; readonly length?: number } = {}): Promise<Readable> {
    const { data } = this.#get(path)
    const offset = opts.offset ?? 0
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > data.length) throw new InvalidOffsetError(NAME, path, `invalid offset ${offset}`)
    const end = opts.length === undefined ? data.length : Math.min(data.length, offset + opts.length)
    const slice = data.subarray(offset, end)
    // Hand out 64 KiB chunks, as a file stream would.
    const chunks: Buffer[] = []
    for (let i = 0; i < slice.length; i += 65536) chunks.push(slice.subarray(i, i + 65536))
    return Readable.from(chunks)
  }

  async writer(path: string, opts: IoOptions & { readonly append?: boolean } = {}): Promise<FileWriter> {
    checkPath(NAME, path)
    if (!opts.append || !this.#partials.has(path)) this.#partials.set(path, [])
    return new MemoryWriter(this, path)
  }

  async stat(path: string, _opts: IoOptions = {}): Promise<FileInfo> {
    checkPath(NAME, path)
    const e = this.#objects.get(path)
    if (e) return { path, size: e.data.length, modifiedAt: e.modifiedAt, isDir: false }
    if (this.#children(path).length > 0) return { path, size: 0, modifiedAt: new Date(0), isDir: true }
    throw new PathNotFoundError(NAME, path, 'path not found')
  }

  async list(path: string, _opts: IoOptions = {}): Promise<readonly string[]> {
    checkPath(NAME, path)
    const names = this.#children(path)
    if (names.length === 0) throw new PathNotFoundError(NAME, path, 'path not found')
    return names
  }

  async move(from: string, to: string, _opts: IoOptions = {}): Promise<void> {
    checkPath(NAME, to)
    const e = this.#get(from)
    this.#objects.delete(from)
    this.#objects.set(to, e)
  }

  async delete(path: string, _opts: IoOptions = {}): Promise<void> {
    checkPath(NAME, path)
    let found = false
    for (const key of [...this.#objects.keys()]) {
      if (key === path || key.startsWith(`${path}/`)) {
        this.#objects.delete(key)
        found = true
      }
    }
    for (const key of [...this.#partials.keys()]) {
      if (key === path || key.startsWith(`${path}/`)) this.#partials.delete(key)
    }
    if (!found) throw new PathNotFoundError(NAME, path, 'path not found')
  }

  #get(path: string): Entry {
    checkPath(NAME, path)
    const e = this.#objects.get(path)
    if (!e) throw new PathNotFoundError(NAME, path, 'path not found')
    return e
  }

  #children(path: string): string[] {
    const prefix = `${path}/`
    const names = new Set<string>()
    for (const key of [...this.#objects.keys(), ...this.#partials.keys()]) {
      if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split('/')[0] ?? '')
    }
    return [...names].sort()
  }

  /** Internal to MemoryWriter. */
  partial(path: string): Buffer[] {
    const p = this.#partials.get(path)
    if (!p) throw new StorageDriverError(NAME, path, 'upload data was discarded')
    return p
  }

  /** Internal to MemoryWriter. */
  finish(path: string, commit: boolean): void {
    const parts = this.#partials.get(path)
    this.#partials.delete(path)
    if (commit && parts) this.#objects.set(path, { data: Buffer.concat(parts), modifiedAt: new Date() })
  }
}

class MemoryWriter implements FileWriter {
  readonly #driver: MemoryDriver
  readonly #path: string
  #open = true
  #size: number

  constructor(driver: MemoryDriver, path: string) {
    this.#driver = driver
    this.#path = path
    this.#size = driver.partial(path).reduce((n, b) => n + b.length, 0)
  }

  get size(): number {
    return this.#size
  }

  async append(source: AsyncIterable<Uint8Array>, opts: IoOptions = {}): Promise<number> {
    if (!this.#open) throw new StorageDriverError(NAME, this.#path, 'writer already closed')
    let written = 0
    for await (const chunk of source) {
      opts.signal?.throwIfAborted()
      this.#driver.partial(this.#path).push(Buffer.from(chunk))
      written += chunk.byteLength
      this.#size += chunk.byteLength
    }
    return written
  }

  async truncate(size: number): Promise<void> {
    if (!this.#open) throw new StorageDriverError(NAME, this.#path, 'writer already closed')
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#size) {
      throw new StorageDriverError(NAME, this.#path, `cannot truncate ${this.#size} bytes to ${size}`)
    }
    const parts = this.#driver.partial(this.#path)
    const kept = Buffer.concat(parts).subarray(0, size)
    parts.splice(0, parts.length, Buffer.from(kept))
    this.#size = size
  }

  async commit(): Promise<void> {
    this.#open = false
    this.#driver.finish(this.#path, true)
  }

  async cancel(): Promise<void> {
    this.#open = false
    this.#driver.finish(this.#path, false)
  }

  async close(): Promise<void> {
    this.#open = false
  }
}
