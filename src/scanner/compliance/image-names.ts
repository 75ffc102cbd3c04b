/** Image-name helpers for the compliance checklist: the base image, official images, tags. */
import type { ImageConfig } from '../image/source.ts'
import { globToRegExp } from '../analyzers/secret/secret-allowlist.ts'

const BASE_KEY = 'org.opencontainers.image.base.name'

/** The base image name from the manifest annotation or the config label of the same name. */
export function baseImageName(config: ImageConfig, annotations?: Readonly<Record<string, string>>): string | undefined {
  const labels = (config.config?.['Labels'] ?? {}) as Record<string, unknown>
  const v = annotations?.[BASE_KEY] ?? labels[BASE_KEY]
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
}

/** Strips the tag and digest: `docker.io/library/debian:12@sha256:…` → `docker.io/library/debian`. */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0] ?? ref
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.indexOf(':', slash + 1)
  return colon < 0 ? noDigest : noDigest.slice(0, colon)
}

/** Docker official images: one path component on Docker Hub (`debian`, `library/debian`, `docker.io/library/debian`). */
export function isOfficialImage(ref: string): boolean {
  const repo = repositoryOf(ref).replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
  return /^(?:library\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(repo)
}

/** The allowlist entry the base matches (by repository, globs allowed), if any. */
export function matchesAllowedBase(ref: string, allowed: readonly string[]): string | undefined {
  const repo = repositoryOf(ref)
  return allowed.find((a) => globToRegExp(repositoryOf(a)).test(repo))
}

export type TagInfo = { kind: 'digest' | 'tag'; value: string } | { kind: 'none' }

/** The tag or digest of a reference as typed, transports (oci:, docker://, …) included. */
export function imageTag(reference: string): TagInfo {
  const at = reference.indexOf('@sha256:')
  if (at >= 0) return { kind: 'digest', value: reference.slice(at + 1) }
  const rest = reference.replace(/^(?:docker:\/\/|oci-archive:|oci:|docker-archive:)/, '')
  const colon = rest.lastIndexOf(':')
  // A colon followed by a slash is a port (`localhost:5000/app`), not a tag.
  if (colon < 0 || rest.slice(colon + 1).includes('/')) return { kind: 'none' }
  const value = rest.slice(colon + 1)
  return value === '' ? { kind: 'none' } : { kind: 'tag', value }
}
