/**
 * The registry's BaseImageCatalog (scanner/compliance/base-image-catalog.ts): an image that does
 * not record its base (docker's classic builder, BuildKit) may still have been built on an image
 * this registry stores. The candidates are found by layer chain (distribution/layer-chain.ts):
 * one indexed lookup per prefix of the scanned image's layers, longest first, at most
 * `maxCandidates` manifests (scanning.maxBaseCandidates), never a scan of every manifest.
 *
 * Tenancy: saying "your image starts with the layers of team-b/secret-base" would tell team A
 * that team B's private image exists and what it is built from. So a candidate counts only when
 * whoever can read the scanned image could read it too, conservatively: a public repository, or
 * one in the scanned repository's own namespace (its first path segment). Without access
 * control (auth off, or auto with no user yet) every repository is readable by anyone, so every
 * one counts. Another version of the scanned image (its own repository) is not a base.
 *
 * Names are `drydock://REPOSITORY:TAG` (every tag of the manifest, up to MAX_TAGS_PER_BASE, or
 * `@DIGEST` when untagged): they are images in this registry, never to be taken for Docker Hub
 * official images, and allowlists can name them by that prefix.
 */
import type { Digest } from '../../oci/digest.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import { catalogOf, type BaseImageCatalog, type KnownImage } from '../../scanner/compliance/base-image-catalog.ts'
import { layerChains } from '../distribution/layer-chain.ts'
import type { MetadataStore } from '../metadata/store.ts'

/** Most tags named per candidate. */
export const MAX_TAGS_PER_BASE = 5
/** How catalog names say "in this registry". */
export const REGISTRY_IMAGE_PREFIX = 'drydock://'

/** Whether a reader of `from` may learn about `repo` (see the tenancy note above). */
export type RepositoryVisibility = (from: string, repo: string) => Promise<boolean>

const namespaceOf = (repo: string): string => repo.split('/')[0] ?? repo

/** The tenancy rule: open registry, same namespace, or a public repository. */
export function visibleTo(access: { readonly enabled: boolean; isPublic(repo: string): Promise<boolean> } | undefined): RepositoryVisibility {
  return async (from, repo) => access === undefined || !access.enabled || namespaceOf(from) === namespaceOf(repo) || access.isPublic(repo)
}

export interface BaseImageLookup {
  readonly store: Pick<MetadataStore, 'manifests' | 'tags'>
  readonly visible: RepositoryVisibility
  /** Most stored manifests considered (scanning.maxBaseCandidates). */
  readonly maxCandidates: number
}

/**
 * The catalog for one image of `repo`: `layers` are its manifest's layer blob digests, `diffIds`
 * its config's (same order, same count). A candidate sharing the first k layer blobs shares the
 * first k diff_ids, so its KnownImage has those.
 */
export async function registryBaseImages(lookup: BaseImageLookup, repo: string, layers: readonly Digest[], diffIds: readonly Digest[]): Promise<BaseImageCatalog> {
  if (layers.length === 0 || layers.length !== diffIds.length || lookup.maxCandidates < 1) return catalogOf([])
  const chains = layerChains(layers)
  const known: KnownImage[] = []
  for (const m of await lookup.store.manifests.withLayerChains([...chains].reverse(), lookup.maxCandidates)) {
    if (m.repo === repo || m.layerChain === undefined || !(await lookup.visible(repo, m.repo))) continue
    const count = chains.indexOf(m.layerChain) + 1
    if (count === 0) continue
    const tags = await lookup.store.tags.ofDigest(m.repo as RepositoryName, m.digest, MAX_TAGS_PER_BASE)
    const names = tags.length > 0 ? tags.map((t) => `${REGISTRY_IMAGE_PREFIX}${m.repo}:${t}`) : [`${REGISTRY_IMAGE_PREFIX}${m.repo}@${m.digest}`]
    for (const name of names) known.push({ name, diffIds: diffIds.slice(0, count) })
  }
  return catalogOf(known)
}
