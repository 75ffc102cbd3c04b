/**
 * parseImageSource: picks the ImageSource implementation from the reference prefix.
 *
 *   oci:DIR[:TAG]                  OCI image layout directory
 *   oci-archive:FILE[:TAG]         tar of an OCI image layout (uncompressed)
 *   docker-archive:FILE[:REPO:TAG] `docker save` output
 *   docker://HOST/REPO[:TAG|@DIGEST] or HOST/REPO[:TAG]   a registry (OCI distribution API)
 *
 * Implementations are loaded lazily so that, for example, a layout scan never loads the HTTP client.
 */
import { ImageError } from './image-errors.ts'
import type { RegistryCredentials } from './remote/registry-auth.ts'
import type { ImageSource } from './source.ts'

export interface ImageSourceOptions {
  /** Allow plain http (and skip nothing else) for non-loopback registries. */
  readonly insecure?: boolean
  /** Credentials for the registry (the CLI finds them: src/cli/credentials/); anonymous without. */
  readonly credentials?: RegistryCredentials
  /** Max bytes of a manifest/index/config document. */
  readonly maxDocumentBytes?: number
}

/** Splits `PATH[:TAG]`: the part after the last ':' is a tag when it contains no '/'. */
export function splitPathAndTag(rest: string): { path: string; tag?: string } {
  const colon = rest.lastIndexOf(':')
  if (colon > 0 && !rest.slice(colon + 1).includes('/')) return { path: rest.slice(0, colon), tag: rest.slice(colon + 1) }
  return { path: rest }
}

export async function parseImageSource(ref: string, opts: ImageSourceOptions = {}): Promise<ImageSource> {
  const prefix = /^([a-z-]+):(?!\/\/)/.exec(ref)?.[1]
  const rest = prefix ? ref.slice(prefix.length + 1) : ref
  if (rest === '') throw new ImageError('SOURCE_INVALID', `empty image reference after '${prefix ?? ''}:'`)
  switch (prefix) {
    case 'oci': {
      const { path, tag } = splitPathAndTag(rest)
      const { openOciLayout } = await import('./oci-layout/oci-layout-store.ts')
      return openOciLayout(ref, path, tag, opts.maxDocumentBytes)
    }
    case 'oci-archive': {
      const { path, tag } = splitPathAndTag(rest)
      const { openOciArchive } = await import('./oci-archive/oci-archive-store.ts')
      return await openOciArchive(ref, path, tag, opts.maxDocumentBytes)
    }
    case 'docker-archive': {
      const colon = rest.indexOf(':')
      const path = colon > 0 ? rest.slice(0, colon) : rest
      const repoTag = colon > 0 ? rest.slice(colon + 1) : undefined
      const { openDockerArchive } = await import('./docker-archive/docker-archive-source.ts')
      return await openDockerArchive(ref, path, repoTag, opts.maxDocumentBytes)
    }
    case undefined:
    case 'docker': {
      const { openRemote } = await import('./remote/remote-store.ts')
      return openRemote(ref, opts)
    }
    default:
      // `localhost:5000/repo` looks like a prefix; anything else with a colon before a slash is unknown.
      if (/^[a-z0-9.-]+:\d+\//.test(ref)) {
        const { openRemote } = await import('./remote/remote-store.ts')
        return openRemote(ref, opts)
      }
      throw new ImageError('SOURCE_INVALID', `unknown image source '${prefix}:' (use oci:, oci-archive:, docker-archive: or docker://)`)
  }
}
