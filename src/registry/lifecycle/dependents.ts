/**
 * Manifests that belong to another one: referrers to their subject, listed manifests to the
 * index(es) listing them. Such a dependent is not an image the rules see; it goes when
 * everything it depends on has gone (a listed manifest with tags of its own stays: someone
 * named it). Links are counted per relation, so a manifest that is both a referrer of X and
 * listed by X waits for X once per link and still goes with X.
 */
import type { CarriedManifest, CarriedReason, LifecycleImage } from './lifecycle-image.ts'

export interface DependencyGraph {
  /** Digests that are not images of their own (they depend on a present manifest). */
  readonly dependents: ReadonlySet<string>
  /** Every manifest that goes with `roots`, attributed to the root whose departure took it. */
  carriedWith(roots: readonly string[]): Map<string, CarriedManifest[]>
}

interface Link {
  readonly dependent: string
  readonly reason: CarriedReason
}

export function dependencyGraph(byDigest: ReadonlyMap<string, LifecycleImage>): DependencyGraph {
  const waiters = new Map<string, Link[]>()
  const pending = new Map<string, number>()
  const link = (on: string, dependent: string, reason: CarriedReason): void => {
    if (on === dependent || !byDigest.has(on)) return
    const list = waiters.get(on) ?? []
    if (list.length === 0) waiters.set(on, list)
    list.push({ dependent, reason })
    pending.set(dependent, (pending.get(dependent) ?? 0) + 1)
  }
  for (const image of byDigest.values()) {
    if (image.subject !== undefined) link(image.subject, image.digest, 'referrer')
    for (const child of new Set(image.manifests ?? [])) link(image.digest, child, 'index-child')
  }
  // A referrer goes with its subject whatever its tags; a listed manifest only if untagged.
  const mayGo = (digest: string): boolean => {
    const image = byDigest.get(digest)
    if (image === undefined) return false
    return image.tags.length === 0 || (image.subject !== undefined && byDigest.has(image.subject) && image.subject !== digest)
  }
  return {
    dependents: new Set(pending.keys()),
    carriedWith(roots) {
      const left = new Map(pending)
      const gone = new Set(roots)
      const carried = new Map<string, CarriedManifest[]>()
      for (const root of roots) {
        const taken: CarriedManifest[] = []
        const queue = [root]
        for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
          for (const { dependent, reason } of waiters.get(next) ?? []) {
            const count = (left.get(dependent) ?? 0) - 1
            left.set(dependent, count)
            if (count > 0 || gone.has(dependent) || !mayGo(dependent)) continue
            gone.add(dependent)
            taken.push({ digest: dependent, reason })
            queue.push(dependent)
          }
        }
        taken.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0))
        carried.set(root, taken)
      }
      return carried
    },
  }
}
