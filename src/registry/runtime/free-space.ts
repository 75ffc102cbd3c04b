/**
 * Free space for the upload guard (upload-limits.ts): bytes available to this (unprivileged)
 * process on the filesystem holding `dir`, from statfs. A directory that does not exist yet or a
 * platform without statfs answers undefined: the guard cannot judge, so it does not refuse.
 */
import { statfs } from 'node:fs/promises'

export function freeSpaceOf(dir: string): () => Promise<number | undefined> {
  return async () => {
    try {
      const s = await statfs(dir)
      return s.bavail * s.bsize
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOSYS' || code === 'ENOTSUP') return undefined
      throw err
    }
  }
}
