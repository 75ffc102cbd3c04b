/**
 * Turns image-layer errors into the CLI's exit codes, in one place for `scan` and `sbom`:
 * a registry that refuses our credentials (or needs some we do not have) is `unauthorized` (4);
 * one that cannot be reached or fails is `unreachable` (3); a bad reference, a missing tag or
 * platform, or corrupt/hostile content is the user's input, so `usage` (2).
 * Also finds the credentials for a registry image, through the one resolver.
 */
import { parseImageReference } from '../oci/reference.ts'
import type { RegistryCredentials } from '../scanner/image/remote/registry-auth.ts'
import { isImageError } from '../scanner/image/image-errors.ts'
import { missingCredentialsHint, registryCredentials, resolveCredential, type CredentialFlags } from './credentials/resolve-credentials.ts'
import { EXIT, ExitError } from './exit-codes.ts'

export function imageErrorToExit(err: unknown, credentialSource?: string, registry?: string): unknown {
  if (!isImageError(err)) return err
  if (err.code === 'UNAUTHORIZED') {
    const from = credentialSource ? ` (credentials from ${credentialSource})` : registry ? missingCredentialsHint(registry) : ''
    return new ExitError(`${err.code}: ${err.message}${from}`, EXIT.unauthorized)
  }
  if (err.code === 'REGISTRY_ERROR') return new ExitError(`${err.code}: ${err.message}`, EXIT.unreachable)
  return new ExitError(`${err.code}: ${err.message}`, EXIT.usage)
}

/** Reference forms that need the network (`--offline` refuses them). */
export function isRemoteReference(ref: string): boolean {
  return !/^(oci|oci-archive|docker-archive):/.test(ref)
}

/** The credentials for a registry image (none for local sources or an unparsable reference: the source reports that). */
export async function imageCredentials(ref: string, flags: CredentialFlags): Promise<{ credentials?: RegistryCredentials; source?: string; registry?: string }> {
  if (!isRemoteReference(ref)) return {}
  let registry: string
  try {
    registry = parseImageReference(ref).registry
  } catch {
    return {}
  }
  const c = await resolveCredential(registry, flags)
  const credentials = registryCredentials(c)
  return credentials && c ? { credentials, source: c.source, registry } : { registry }
}
