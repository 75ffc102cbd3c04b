/**
 * The merged file view of an image: for every path that exists in the final container
 * filesystem, the layer that provides it. Built by the applier from the per-layer analyses with
 * OCI whiteout semantics (image spec "Representing Changes"): `.wh.NAME` deletes NAME and
 * everything under it from lower layers, `.wh..wh..opq` hides a directory's lower-layer
 * children, and a non-directory replacing a directory hides that directory's lower children.
 * An inventory's layerFiles are enough to rebuild it: `FileView.fromLayers(inventory.layerFiles)`.
 */
import type { LayerAnalysis, LayerFile } from './layer-analysis.ts'
import { resolveLinkTarget } from './normalize-path.ts'

export interface ViewEntry {
  /** Index of the providing layer (0 = base). */
  readonly layer: number
  readonly file: LayerFile
}

/** Symlink chains longer than this are treated as loops (Linux uses 40). */
export const MAX_LINK_HOPS = 40

function hasAncestorIn(path: string, set: ReadonlySet<string>): boolean {
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    if (set.has(path.slice(0, i))) return true
  }
  return false
}

export class FileView {
  readonly #entries = new Map<string, ViewEntry>()

  static fromLayers(layers: readonly Pick<LayerAnalysis, 'files' | 'whiteouts' | 'opaqueDirs'>[]): FileView {
    const view = new FileView()
    layers.forEach((layer, i) => view.#apply(layer, i))
    return view
  }

  #apply(layer: Pick<LayerAnalysis, 'files' | 'whiteouts' | 'opaqueDirs'>, index: number): void {
    const deleted = new Set(layer.whiteouts)
    const opaque = new Set(layer.opaqueDirs)
    if (deleted.size > 0 || opaque.size > 0) {
      for (const key of this.#entries.keys()) {
        if (deleted.has(key) || hasAncestorIn(key, deleted) || hasAncestorIn(key, opaque)) this.#entries.delete(key)
      }
    }
    const replacedDirs = new Set<string>()
    for (const file of layer.files) {
      const prev = this.#entries.get(file.path)
      if (prev && prev.layer < index && prev.file.type === 'directory' && file.type !== 'directory') replacedDirs.add(file.path)
      this.#entries.set(file.path, { layer: index, file })
    }
    if (replacedDirs.size > 0) {
      for (const [key, e] of this.#entries) {
        if (e.layer < index && hasAncestorIn(key, replacedDirs)) this.#entries.delete(key)
      }
    }
  }

  get(path: string): ViewEntry | undefined {
    return this.#entries.get(path)
  }

  get size(): number {
    return this.#entries.size
  }

  paths(): IterableIterator<string> {
    return this.#entries.keys()
  }

  /**
   * Follows symlinks (in the final path component) to the entry they point at. Returns
   * undefined for a dangling link or a loop (more than MAX_LINK_HOPS hops); never throws.
   */
  resolve(path: string): ViewEntry | undefined {
    let current = path
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      const e = this.#entries.get(current)
      if (!e || e.file.type !== 'symlink') return e
      current = resolveLinkTarget(current, e.file.linkTarget ?? '')
    }
    return undefined
  }
}
