/**
 * Finding the base of an image that does not record it. docker build (classic builder or
 * BuildKit) writes no `org.opencontainers.image.base.name`, but an image built `FROM x` starts with x's layers
 * (the same diff_ids, in order). Given images whose layers are known, the base is the one whose
 * layers are the longest prefix of the image's. Only whoever holds other images can do this: a
 * registry scanning what it stores. A local scan has no catalog, and then the base cannot be known.
 *
 * The catalog is a provider interface: the registry fills it from its stored manifests (indexed
 * by first layer); `catalogOf` is the in-memory one (tests, small lists).
 */
import type { Digest } from '../../oci/digest.ts'

export interface KnownImage {
  /** The name to report and check against the allowlist: `registry/repository:tag`. */
  readonly name: string
  /** The image's config `rootfs.diff_ids`, in order. */
  readonly diffIds: readonly Digest[]
}

export interface BaseImageCatalog {
  /** Known images whose first layer has this diff_id. Synchronous: the checklist is computed at once. */
  imagesWithFirstLayer(diffId: Digest): readonly KnownImage[]
}

export interface BaseImageMatch {
  /** Every known name with the matched layers (tags of one image: debian:12, debian:latest), sorted. */
  readonly names: readonly string[]
  /** How many of the image's first layers are the base's. */
  readonly layers: number
  /** The image's layer count. */
  readonly of: number
}

export function catalogOf(images: readonly KnownImage[]): BaseImageCatalog {
  const byFirst = new Map<string, KnownImage[]>()
  for (const image of images) {
    const first = image.diffIds[0]
    if (first === undefined) continue
    byFirst.set(first, [...(byFirst.get(first) ?? []), image])
  }
  return { imagesWithFirstLayer: (diffId) => byFirst.get(diffId) ?? [] }
}

function isPrefix(prefix: readonly Digest[], of: readonly Digest[]): boolean {
  return prefix.length <= of.length && prefix.every((d, i) => d === of[i])
}

/**
 * The longest layer-prefix match (an image with no layers of its own, `FROM x` + `USER`, has
 * all of x's). `self` (the image's own reference) is never its own base.
 */
export function matchBaseByLayers(diffIds: readonly Digest[], catalog: BaseImageCatalog, self?: string): BaseImageMatch | undefined {
  const first = diffIds[0]
  if (first === undefined) return undefined
  const candidates = catalog.imagesWithFirstLayer(first).filter((k) => k.diffIds.length > 0 && k.name !== self && isPrefix(k.diffIds, diffIds))
  const longest = Math.max(0, ...candidates.map((k) => k.diffIds.length))
  if (longest === 0) return undefined
  const names = [...new Set(candidates.filter((k) => k.diffIds.length === longest).map((k) => k.name))].sort()
  return { names, layers: longest, of: diffIds.length }
}
