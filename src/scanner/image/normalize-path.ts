/**
 * Tar entry names are keys into the image's file view, never paths on disk. They are normalised
 * so that a hostile name cannot address anything outside the image root: leading `/` and `./`
 * are dropped, `.` segments removed, and `..` resolved against the root (clamped, as a container
 * runtime does when it extracts the layer). The root itself normalises to ''.
 */
export function normalizeTarPath(raw: string): string {
  const out: string[] = []
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      out.pop()
      continue
    }
    out.push(seg)
  }
  return out.join('/')
}

/** Resolves a symlink target relative to the directory of the link (absolute targets from the root). */
export function resolveLinkTarget(linkPath: string, target: string): string {
  if (target.startsWith('/')) return normalizeTarPath(target)
  const slash = linkPath.lastIndexOf('/')
  const dir = slash < 0 ? '' : linkPath.slice(0, slash)
  return normalizeTarPath(dir === '' ? target : `${dir}/${target}`)
}

export function parentDir(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}
