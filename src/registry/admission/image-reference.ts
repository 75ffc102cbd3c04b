/**
 * Kubernetes image strings (`nginx`, `acme/app:1.2`, `registry.example.com:5000/acme/app@sha256:…`)
 * read the way the container runtimes read them (the distribution reference grammar with
 * Docker's defaults): no host means `docker.io`, a one-segment Docker Hub name is under
 * `library/`, no tag and no digest means `:latest`, and a digest pins the image whatever the tag
 * says. The grammars of names, tags and digests are src/oci/'s; this file splits the string the
 * way Docker does (the host is recognised by its shape, see hostOf) and says what is wrong in
 * one line.
 */
import { isDigest, type Digest } from '../../oci/digest.ts'
import { isRepositoryName, isTag, type RepositoryName, type Tag } from '../../oci/reference.ts'

/** Docker Hub's historical names, which runtimes treat as `docker.io`. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])
/** A DNS name or a bracketed IPv6 address, with an optional port (distribution's domain grammar). */
const HOST_GRAMMAR = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/
/** Longer strings are refused before parsing (a name is at most 255, a tag 128, a digest ~135). */
export const MAX_IMAGE_LENGTH = 1024

export interface KubernetesImage {
  /** The string as written in the object. */
  readonly written: string
  /** The host as written (`Registry.Example.com:5000`), or `docker.io` when none is written. */
  readonly host: string
  /** The host to compare: lower case, Docker Hub's aliases folded into `docker.io`. */
  readonly registry: string
  readonly repository: RepositoryName
  /** `latest` when neither a tag nor a digest is written. */
  readonly tag?: Tag
  /** When written, the runtime pulls this digest and ignores the tag. */
  readonly digest?: Digest
}

/** An image string that no runtime could pull. */
export class ImageReferenceError extends Error {
  readonly image: string
  constructor(image: string, reason: string) {
    super(`invalid image reference ${JSON.stringify(image.slice(0, 200))}: ${reason}`)
    this.name = 'ImageReferenceError'
    this.image = image
  }
}

export function parseKubernetesImage(written: string): KubernetesImage {
  if (written.length === 0) throw new ImageReferenceError(written, 'empty')
  if (written.length > MAX_IMAGE_LENGTH) throw new ImageReferenceError(written, `longer than ${MAX_IMAGE_LENGTH} characters`)
  // Kubernetes refuses surrounding whitespace; a transport prefix is a skopeo notion, not a pod's.
  if (/\s/.test(written)) throw new ImageReferenceError(written, 'contains whitespace')
  if (written.includes('://')) throw new ImageReferenceError(written, 'a transport prefix is not part of an image reference')
  const hostLike = hostOf(written)
  if (hostLike !== undefined && !HOST_GRAMMAR.test(hostLike)) throw new ImageReferenceError(written, 'invalid registry host')
  const host = hostLike ?? 'docker.io'
  let rest = hostLike === undefined ? written : written.slice(hostLike.length + 1)
  let digest: Digest | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    const d = rest.slice(at + 1)
    if (!isDigest(d)) throw new ImageReferenceError(written, 'invalid digest')
    digest = d
    rest = rest.slice(0, at)
  }
  let tag: Tag | undefined
  const colon = rest.lastIndexOf(':')
  if (colon >= 0) {
    const t = rest.slice(colon + 1)
    if (!isTag(t)) throw new ImageReferenceError(written, 'invalid tag')
    tag = t
    rest = rest.slice(0, colon)
  }
  const lower = host.toLowerCase()
  const registry = DOCKER_HUB_ALIASES.has(lower) ? 'docker.io' : lower
  // `nginx`, `docker.io/nginx` and `index.docker.io/nginx` are all `library/nginx`.
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`
  if (!isRepositoryName(rest)) throw new ImageReferenceError(written, 'invalid repository name')
  if (tag === undefined && digest === undefined) tag = 'latest' as Tag
  return { written, host, registry, repository: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) }
}

/**
 * The host part when the first path segment is one: Docker's rule (it has a `.` or a `:`, is
 * `localhost`, or has upper-case letters, which a repository name cannot).
 */
function hostOf(image: string): string | undefined {
  const slash = image.indexOf('/')
  if (slash <= 0) return undefined
  const first = image.slice(0, slash)
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()
  return isHost ? first : undefined
}

/** The fully qualified form: `docker.io/library/nginx:latest`, `host/repo@sha256:…`. */
export function canonicalImage(image: KubernetesImage): string {
  const base = `${image.registry}/${image.repository}`
  return image.digest ? `${base}@${image.digest}` : `${base}:${image.tag ?? 'latest'}`
}

/** The image pinned to `digest`, on the host as the object wrote it: `host/repo@sha256:…`. */
export function pinnedImage(image: KubernetesImage, digest: Digest | string): string {
  return `${image.host}/${image.repository}@${digest}`
}

/** True when the image names one of `hosts` (compared without case; Docker Hub aliases fold). */
export function isOnRegistry(image: KubernetesImage, hosts: readonly string[]): boolean {
  return hosts.some((h) => {
    const lower = h.toLowerCase()
    return (DOCKER_HUB_ALIASES.has(lower) ? 'docker.io' : lower) === image.registry
  })
}
