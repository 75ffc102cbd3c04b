/**
 * Repository names and tags, per the distribution spec ("Pulling manifests": `<name>` and
 * `<reference>` grammars), and image references as users type them (`host/repo:tag@digest`).
 */
import { RegistryError } from './errors.ts'
import { isDigest, type Digest } from './digest.ts'

export type RepositoryName = string & { readonly __brand: 'RepositoryName' }
export type Tag = string & { readonly __brand: 'Tag' }

/** `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*` from the spec. */
const NAME_GRAMMAR = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/
/** `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}` from the spec. */
const TAG_GRAMMAR = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/
/** Host + port + path components must fit in 255 characters (distribution's limit). */
export const MAX_NAME_LENGTH = 255

export function isRepositoryName(raw: string): raw is RepositoryName {
  return raw.length <= MAX_NAME_LENGTH && NAME_GRAMMAR.test(raw)
}

export function parseRepositoryName(raw: string): RepositoryName {
  if (!isRepositoryName(raw)) {
    throw new RegistryError('NAME_INVALID', 'invalid repository name', { detail: { name: raw.slice(0, MAX_NAME_LENGTH + 1) } })
  }
  return raw
}

export function isTag(raw: string): raw is Tag {
  return TAG_GRAMMAR.test(raw)
}

export function parseTag(raw: string): Tag {
  if (!isTag(raw)) throw new RegistryError('TAG_INVALID', 'invalid tag', { detail: { tag: raw.slice(0, 200) } })
  return raw
}

/** A manifest reference in a URL: a tag or a digest. */
export type ManifestReference = { readonly kind: 'tag'; readonly tag: Tag } | { readonly kind: 'digest'; readonly digest: Digest }

export function parseManifestReference(raw: string): ManifestReference {
  if (raw.includes(':')) {
    if (!isDigest(raw)) throw new RegistryError('DIGEST_INVALID', 'invalid digest reference', { detail: { reference: raw.slice(0, 200) } })
    return { kind: 'digest', digest: raw }
  }
  if (!isTag(raw)) throw new RegistryError('MANIFEST_INVALID', 'invalid tag reference', { detail: { reference: raw.slice(0, 200) } })
  return { kind: 'tag', tag: raw }
}

/** An image reference as typed on a command line: `[host[:port]/]repo[:tag][@digest]`. */
export interface ImageReference {
  /** Registry host (with port), e.g. `127.0.0.1:5000`; `docker.io` when none is given. */
  readonly registry: string
  readonly repository: RepositoryName
  readonly tag?: Tag
  readonly digest?: Digest
}

export function parseImageReference(raw: string): ImageReference {
  let rest = raw.startsWith('docker://') ? raw.slice('docker://'.length) : raw
  let digest: Digest | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    const d = rest.slice(at + 1)
    if (!isDigest(d)) throw new RegistryError('DIGEST_INVALID', `invalid digest in image reference ${raw}`)
    digest = d
    rest = rest.slice(0, at)
  }
  let registry = 'docker.io'
  const slash = rest.indexOf('/')
  if (slash > 0) {
    const first = rest.slice(0, slash)
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first
      rest = rest.slice(slash + 1)
    }
  }
  let tag: Tag | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > 0) {
    tag = parseTag(rest.slice(colon + 1))
    rest = rest.slice(0, colon)
  }
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`
  const repository = parseRepositoryName(rest)
  if (tag === undefined && digest === undefined) tag = 'latest' as Tag
  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) }
}
