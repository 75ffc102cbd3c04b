/**
 * Unmounts everything mounted below a directory (overlay mounts, shm, netns files left by
 * dockerd, containerd or podman) so that the directory can be removed. Deepest mounts first.
 */
import { readFile } from 'node:fs/promises'
import { findTool, runTool } from './run-tool.ts'

/** Mount points listed in /proc/self/mountinfo at or below `dir`, deepest first. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8')
  const prefix = dir.endsWith('/') ? dir : `${dir}/`
  return info
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mp): mp is string => mp !== undefined && (mp === dir || mp.startsWith(prefix)))
    // mountinfo escapes spaces etc. as octal; our temp paths contain none, so no unescaping.
    .sort((a, b) => b.length - a.length)
}

export async function unmountUnder(dir: string): Promise<void> {
  const mounts = await mountsUnder(dir)
  if (mounts.length === 0) return
  const umount = findTool('umount') ?? 'umount'
  for (const mp of mounts) {
    // Lazy unmount: a daemon that died uncleanly may still hold files open below it.
    const res = await runTool(umount, ['-l', mp], { timeoutMs: 30_000 })
    if (res.code !== 0 && (await mountsUnder(mp)).includes(mp)) {
      throw new Error(`failed to unmount ${mp}: ${res.stderr}`)
    }
  }
}
