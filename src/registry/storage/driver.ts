/**
 * The storage driver contract: a filesystem-like key/value store for blob bytes. Paths are
 * driver-relative, `/`-separated, and match PATH_PATTERN (see paths.ts for the layout). Drivers
 * know nothing about digests or repositories; blob-service and upload-service build on them.
 *
 * Every implementation runs the shared suite in testsuite/driver-suite.ts.
 */
import type { Readable } from 'node:stream'

export interface IoOptions {
  readonly signal?: AbortSignal
}

export interface FileInfo {
  readonly path: string
  readonly size: number
  readonly modifiedAt: Date
  readonly isDir: boolean
}

/** `a/b-c/d_e.f` : lower-case-insensitive segments of [A-Za-z0-9._-], no `..`, no empty segments. */
export const PATH_PATTERN = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*)(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/

export interface StorageDriver {
  readonly name: string
  /** Whole content of a small object (manifests, metadata). Throws PathNotFoundError. */
  getContent(path: string, opts?: IoOptions): Promise<Buffer>
  /** Atomically replaces the object at `path`: readers see the old or the new content, never a mix. */
  putContent(path: string, content: Uint8Array, opts?: IoOptions): Promise<void>
  /**
   * A stream of the committed object from `offset` (default 0), at most `length` bytes.
   * Throws PathNotFoundError, or InvalidOffsetError when offset is past the end.
   */
  reader(path: string, opts?: IoOptions & { readonly offset?: number; readonly length?: number }): Promise<Readable>
  /**
   * A writer for `path`. Content becomes visible at `path` only after commit(). append=true
   * resumes an earlier uncommitted write (close()d, possibly by another process); without it any
   * earlier uncommitted data is discarded.
   */
  writer(path: string, opts?: IoOptions & { readonly append?: boolean }): Promise<FileWriter>
  /** Throws PathNotFoundError. Directories report size 0. */
  stat(path: string, opts?: IoOptions): Promise<FileInfo>
  /** Names (not paths) of the direct children of a directory, sorted. Throws PathNotFoundError. */
  list(path: string, opts?: IoOptions): Promise<readonly string[]>
  /** Atomic rename of a committed object; replaces `to`. Throws PathNotFoundError for `from`. */
  move(from: string, to: string, opts?: IoOptions): Promise<void>
  /** Recursive delete of an object or a directory. Throws PathNotFoundError. */
  delete(path: string, opts?: IoOptions): Promise<void>
}

export interface FileWriter {
  /** Bytes written so far, including those of an earlier session resumed with append=true. */
  readonly size: number
  /**
   * Writes every chunk of `source`; resolves to the bytes written by this call. When `source`
   * fails (client abort), the bytes already written stay in the writer and `size` says how many.
   */
  append(source: AsyncIterable<Uint8Array>, opts?: IoOptions): Promise<number>
  /**
   * Cuts the uncommitted content back to its first `size` bytes (at most the current size), so a
   * chunk refused after some of it was written leaves no trace. Later appends continue there.
   */
  truncate(size: number): Promise<void>
  /** Makes the content durable (fsync) and visible at the path atomically. */
  commit(opts?: IoOptions): Promise<void>
  /** Discards the uncommitted content. */
  cancel(opts?: IoOptions): Promise<void>
  /** Releases resources without committing; a later writer(path, { append: true }) resumes. */
  close(): Promise<void>
}

export class StorageDriverError extends Error {
  readonly driver: string
  readonly path: string
  constructor(driver: string, path: string, message: string, options?: { cause?: unknown }) {
    super(`${driver}: ${message}: ${path}`, options)
    this.name = 'StorageDriverError'
    this.driver = driver
    this.path = path
  }
}

export class PathNotFoundError extends StorageDriverError {
  override readonly name = 'PathNotFoundError'
  readonly notFound = true
}

export class InvalidPathError extends StorageDriverError {
  override readonly name = 'InvalidPathError'
}

export class InvalidOffsetError extends StorageDriverError {
  override readonly name = 'InvalidOffsetError'
}

export function isPathNotFound(err: unknown): err is PathNotFoundError {
  return err instanceof Error && (err as { notFound?: unknown }).notFound === true
}

/** Throws InvalidPathError unless `path` matches PATH_PATTERN (and so cannot escape the root). */
export function checkPath(driver: string, path: string): void {
  if (path.length > 1024 || !PATH_PATTERN.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
    throw new InvalidPathError(driver, path.slice(0, 200), 'invalid path')
  }
}
