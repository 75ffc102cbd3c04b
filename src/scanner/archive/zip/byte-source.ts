/**
 * Random access to the bytes of an archive. The zip reader only ever reads small windows
 * (records, one entry's compressed data), so an archive on disk is never loaded whole.
 */
import { open } from 'node:fs/promises'

export interface ByteSource {
  /** Total length in bytes; fixed for the life of the source. */
  readonly size: number
  /**
   * Exactly `length` bytes starting at `offset`. Callers keep `offset + length <= size`; a range
   * past the end, or a short read (the file shrank), throws. The result may share memory with
   * the source (in-memory sources return a view), so callers must not write into it.
   */
  read(offset: number, length: number): Promise<Uint8Array> | Uint8Array
}

/** A file-backed source; `close()` (or `await using`) releases the handle. */
export interface FileByteSource extends ByteSource, AsyncDisposable {
  read(offset: number, length: number): Promise<Uint8Array>
  close(): Promise<void>
}

function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new RangeError(`read of ${length} bytes at ${offset} is outside the ${size}-byte source`)
  }
}

/** A view over bytes already in memory (a jar read from an image layer, a nested jar). */
export function memoryByteSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read(offset, length) {
      checkRange(bytes.byteLength, offset, length)
      return bytes.subarray(offset, offset + length)
    },
  }
}

/** Opens `path` for positional reads; the size is taken once, at open time. */
export async function openFileByteSource(path: string): Promise<FileByteSource> {
  const fh = await open(path, 'r')
  let size: number
  try {
    size = (await fh.stat()).size
  } catch (err) {
    await fh.close()
    throw err
  }
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await fh.close()
  }
  return {
    size,
    async read(offset, length) {
      checkRange(size, offset, length)
      const buf = Buffer.allocUnsafe(length)
      let done = 0
      // pread may return fewer bytes than asked; loop until the range is filled or the file ends.
      while (done < length) {
        const { bytesRead } = await fh.read(buf, done, length - done, offset + done)
        if (bytesRead === 0) throw new RangeError(`file ended at ${offset + done}, expected ${size} bytes`)
        done += bytesRead
      }
      return buf
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
