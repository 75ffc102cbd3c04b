/**
 * Layer chains: one id for "these layers, in this order", so that images sharing their first k
 * layers can be found with one indexed lookup per prefix instead of reading manifests. Built like
 * the ChainID of the image spec (chain(L0) = L0; chain(L0..Ln) = sha256(chain(L0..Ln-1) + " " + Ln)),
 * but over the manifest's layer blob digests, which the registry knows at push time (diff_ids
 * live in the config). An image built `FROM x` and pushed to the same registry reuses x's layer
 * blobs, so x's chain is a prefix chain of the image's.
 */
import { digestOf, type Digest } from '../../oci/digest.ts'

/** Most layers whose prefix chains are computed (images past it are not matched by layers). */
export const MAX_CHAIN_LAYERS = 256

/** The chain of every prefix: [chain(L0), chain(L0..L1), …, chain(all)]; empty without layers. */
export function layerChains(layers: readonly Digest[]): string[] {
  const out: string[] = []
  let chain: string | undefined
  for (const layer of layers.slice(0, MAX_CHAIN_LAYERS)) {
    chain = chain === undefined ? layer : digestOf(`${chain} ${layer}`)
    out.push(chain)
  }
  return out
}

/** The chain of all the layers (stored with the manifest), undefined without layers or past MAX_CHAIN_LAYERS. */
export function layerChainOf(layers: readonly Digest[]): string | undefined {
  return layers.length === 0 || layers.length > MAX_CHAIN_LAYERS ? undefined : layerChains(layers).at(-1)
}
