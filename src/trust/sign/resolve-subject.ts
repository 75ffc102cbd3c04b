// Resolves what the user named (a tag or a digest) to the manifest descriptor that gets signed.
// Signing is always by digest: a tag only says where to look, once, at signing time.
import type { Descriptor } from '../../oci/descriptor.ts'
import type { ImageReference } from '../../oci/reference.ts'
import type { TrustRegistryClient } from '../registry-client/trust-registry-client.ts'
import { TrustError } from '../trust-errors.ts'

export async function resolveSubject(client: TrustRegistryClient, ref: ImageReference): Promise<Descriptor> {
  const reference = ref.digest ?? ref.tag ?? 'latest'
  const m = await client.getManifest(ref.repository, reference)
  if (!m) throw new TrustError('REGISTRY', `image ${ref.registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${reference}`} not found`)
  return { mediaType: m.mediaType, digest: m.digest, size: m.bytes.byteLength }
}
