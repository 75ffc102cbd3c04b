/**
 * Routes a path under /v2/ to an OCI endpoint. Repository names contain slashes, so Fastify
 * gives us one wildcard and this small router matches the endpoint suffixes (distribution's
 * regexes, in spirit): `<name>/manifests/<ref>`, `<name>/blobs/<digest>`,
 * `<name>/blobs/uploads/[<id>]`, `<name>/tags/list`, `<name>/referrers/<digest>`, `_catalog`.
 * The name is validated here (NAME_INVALID); references and digests by their handlers.
 */
import { RegistryError } from '../../../oci/errors.ts'
import { parseRepositoryName, type RepositoryName } from '../../../oci/reference.ts'

export type OciRoute =
  | { readonly kind: 'base' }
  | { readonly kind: 'catalog' }
  | { readonly kind: 'tags'; readonly name: RepositoryName }
  | { readonly kind: 'manifest'; readonly name: RepositoryName; readonly reference: string }
  | { readonly kind: 'blob'; readonly name: RepositoryName; readonly digest: string }
  | { readonly kind: 'uploads'; readonly name: RepositoryName }
  | { readonly kind: 'upload'; readonly name: RepositoryName; readonly id: string }
  | { readonly kind: 'referrers'; readonly name: RepositoryName; readonly digest: string }

const PATTERNS: ReadonlyArray<readonly [OciRoute['kind'], RegExp]> = [
  ['tags', /^(.+)\/tags\/list$/],
  ['manifest', /^(.+)\/manifests\/([^/]+)$/],
  ['uploads', /^(.+)\/blobs\/uploads\/?$/],
  ['upload', /^(.+)\/blobs\/uploads\/([^/]+)$/],
  ['blob', /^(.+)\/blobs\/([^/]+)$/],
  ['referrers', /^(.+)\/referrers\/([^/]+)$/],
]

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new RegistryError('NAME_INVALID', 'malformed percent-encoding in path')
  }
}

/** `path` is what follows `/v2/` (no query). undefined when nothing matches. */
export function matchOciPath(path: string): OciRoute | undefined {
  if (path === '') return { kind: 'base' }
  if (path === '_catalog') return { kind: 'catalog' }
  if (path.length > 2048) throw new RegistryError('NAME_INVALID', 'path too long')
  for (const [kind, re] of PATTERNS) {
    const m = re.exec(path)
    if (!m) continue
    const name = parseRepositoryName(decode(m[1] ?? ''))
    const arg = decode(m[2] ?? '')
    switch (kind) {
      case 'tags':
        return { kind, name }
      case 'uploads':
        return { kind, name }
      case 'manifest':
        return { kind, name, reference: arg }
      case 'upload':
        return { kind, name, id: arg }
      case 'blob':
        return { kind, name, digest: arg }
      case 'referrers':
        return { kind, name, digest: arg }
      default:
        return undefined
    }
  }
  return undefined
}
