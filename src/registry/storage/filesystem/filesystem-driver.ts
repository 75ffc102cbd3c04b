/**
 * StorageDriver on a local directory. Atomicity comes from rename(2) within one filesystem:
 * uncommitted writes go to `<path>~partial` and whole-object writes to `<path>~tmp-<random>`,
 * both fsync'ed before the rename, so a crash never exposes a partial object. `~` cannot appear
 * in a driver path (PATH_PATTERN), so these names never collide with real objects.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import {
  checkPath, InvalidOffsetError, PathNotFoundError, StorageDriverError,
  type FileInfo, type FileWriter, type IoOptions, type StorageDriver,
} from '../driver.ts'
import { BackgroundFlush } from './background-flush.ts'
import { BatchedWrites } from './batched-writes.ts'
import { FileBody } from './file-body.ts'

const NAME = 'filesystem'
const PARTIAL = '~partial'

function isEnoent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; some filesystems refuse fsync on directories, which is fine.
  const fh = await open(dir, 'r').catch(() => undefined)
  await fh?.sync().catch(() => undefined)
  await fh?.close()
}

export class FilesystemDriver implements StorageDriver {
  readonly name = NAME
  readonly root: string

  constructor(root: string) {
    this.root = root
  }

  #full(path: string): string {
    checkPath(NAME, path)
    return join(this.root, ...path.split('/'))
  }

  #wrap(err: unknown, path: string, what: string): Error {
    if (isEnoent(err)) return new PathNotFoundError(NAME, path, 'path not found')
    if (err instanceof StorageDriverError) return err
    return new StorageDriverError(NAME, path, `failed to ${what}`, { cause: err })
  }

  async getContent(path: string, opts: IoOptions = {}): Promise<Buffer> {
    const full = this.#full(path)
    try {
      return await readFile(full, opts.signal ? { signal: opts.signal } : {})
    } catch (err) {
      throw this.#wrap(err, path, 'read')
    }
  }

  async putContent(path: string, content: Uint8Array, _opts: IoOptions = {}): Promise<void> {
    const full = this.#full(path)
    const tmp = `${full}~tmp-${randomUUID()}`
    try {
      await mkdir(dirname(full), { recursive: true })
      const fh = await open(tmp, 'w', 0o644)
      try {
        await fh.writeFile(content)
        await fh.sync()
      } finally {
        await fh.close()
      }
      await rename(tmp, full)
      await fsyncDir(dirname(full))
    } catch (err) {
      await rm(tmp, { force: true })
      throw this.#wrap(err, path, 'write')
    }
  }

  async reader(path: string, opts: IoOptions & { readonly offset?: number; readonly length?: number } = {}): Promise<Readable> {
    const full = this.#full(path)
    let fh: FileHandle
    try {
      fh = await open(full, 'r')
    } catch (err) {
      throw this.#wrap(err, path, 'open')
    }
    try {
      const info = await fh.stat()
      const offset = opts.offset ?? 0
      if (info.isDirectory()) throw new StorageDriverError(NAME, path, 'is a directory')
      if (!Number.isSafeInteger(offset) || offset < 0 || offset > info.size) throw new InvalidOffsetError(NAME, path, `invalid offset ${offset}`)
      const length = Math.max(0, Math.min(opts.length ?? info.size - offset, info.size - offset))
      return new FileBody(fh, offset, length, opts.signal ? { signal: opts.signal } : {})
    } catch (err) {
      await fh.close()
      throw this.#wrap(err, path, 'read')
    }
  }

  async writer(path: string, opts: IoOptions & { readonly append?: boolean } = {}): Promise<FileWriter> {
    const full = this.#full(path)
    try {
      await mkdir(dirname(full), { recursive: true })
      const fh = await open(`${full}${PARTIAL}`, opts.append ? 'a' : 'w', 0o644)
      const { size } = await fh.stat()
      return new FilesystemWriter(fh, full, path, size)
    } catch (err) {
      throw this.#wrap(err, path, 'open writer')
    }
  }

  async stat(path: string, _opts: IoOptions = {}): Promise<FileInfo> {
    try {
      const s = await stat(this.#full(path))
      return { path, size: s.isDirectory() ? 0 : s.size, modifiedAt: s.mtime, isDir: s.isDirectory() }
    } catch (err) {
      throw this.#wrap(err, path, 'stat')
    }
  }

  async list(path: string, _opts: IoOptions = {}): Promise<readonly string[]> {
    try {
      const names = await readdir(this.#full(path))
      return names.filter((n) => !n.includes('~')).sort()
    } catch (err) {
      throw this.#wrap(err, path, 'list')
    }
  }

  async move(from: string, to: string, _opts: IoOptions = {}): Promise<void> {
    const src = this.#full(from)
    const dst = this.#full(to)
    try {
      await stat(src)
      await mkdir(dirname(dst), { recursive: true })
      await rename(src, dst)
      await fsyncDir(dirname(dst))
    } catch (err) {
      throw this.#wrap(err, from, 'move')
    }
  }

  async delete(path: string, _opts: IoOptions = {}): Promise<void> {
    const full = this.#full(path)
    try {
      await stat(full)
      await rm(full, { recursive: true, force: true })
      await rm(`${full}${PARTIAL}`, { force: true })
    } catch (err) {
      throw this.#wrap(err, path, 'delete')
    }
  }
}

class FilesystemWriter implements FileWriter {
  #fh: FileHandle | undefined
  #full: string
  #path: string
  #size: number
  readonly #flush: BackgroundFlush

  constructor(fh: FileHandle, full: string, path: string, size: number) {
    this.#fh = fh
    this.#flush = new BackgroundFlush(fh)
    this.#full = full
    this.#path = path
    this.#size = size
  }

  get size(): number {
    return this.#size
  }

  #handle(): FileHandle {
    if (!this.#fh) throw new StorageDriverError(NAME, this.#path, 'writer already closed')
    return this.#fh
  }

  async append(source: AsyncIterable<Uint8Array>, opts: IoOptions = {}): Promise<number> {
    const writes = new BatchedWrites(this.#handle(), (n) => {
      this.#size += n
      this.#flush.written(n)
    })
    const before = this.#size
    let sourceFailure: { readonly error: unknown } | undefined
    try {
      for await (const chunk of source) {
        opts.signal?.throwIfAborted()
        await writes.add(chunk)
      }
    } catch (error) {
      sourceFailure = { error }
    }
    // Bytes received before a failure are written too: a resumed upload continues after them.
    await writes.drain()
    if (sourceFailure) throw sourceFailure.error
    return this.#size - before
  }

  async truncate(size: number): Promise<void> {
    const fh = this.#handle()
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#size) {
      throw new StorageDriverError(NAME, this.#path, `cannot truncate ${this.#size} bytes to ${size}`)
    }
    await this.#flush.settle()
    await fh.truncate(size)
    this.#size = size
  }

  async commit(_opts: IoOptions = {}): Promise<void> {
    const fh = this.#handle()
    this.#fh = undefined
    try {
      await this.#flush.settle()
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(`${this.#full}${PARTIAL}`, this.#full)
    await fsyncDir(dirname(this.#full))
  }

  async cancel(_opts: IoOptions = {}): Promise<void> {
    await this.close()
    await rm(`${this.#full}${PARTIAL}`, { force: true })
  }

  async close(): Promise<void> {
    const fh = this.#fh
    this.#fh = undefined
    const flushFailure = await this.#flush.settle().then(() => undefined, (error: unknown) => ({ error }))
    await fh?.close()
    if (flushFailure) {
      // The kernel reports a writeback error once: a later writer's fsync would succeed over
      // lost bytes. Discard them, so the upload has to start over instead.
      await rm(`${this.#full}${PARTIAL}`, { force: true })
      throw new StorageDriverError(NAME, this.#path, 'writing to disk failed; the uncommitted data was discarded', { cause: flushFailure.error })
    }
  }
}
