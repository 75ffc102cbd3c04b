/**
 * The lifecycle engine's input for one repository (lifecycle-image.ts), built from the metadata
 * store: one LifecycleImage per manifest, with its push time and tags, `subject` for referrers
 * and `manifests` for indexes. Reads only that repository, page by page (never a whole-registry
 * scan); an index's children come from its stored bytes, the only place they are recorded.
 *
 * `subject` is the manifest's own OCI `subject`, else the image a cosign tag-form tag names
 * (`sha256-<hex>.sig`, `.att`, `.sbom`: the tag scheme cosign uses where the referrers API is
 * missing), so a tag-form signature goes with its image as a referrer does.
 *
 * `lastPulledAt` is the last recorded pull (metadata/pull-store.ts; absent when never pulled),
 * and for an index the latest of its own and its listed manifests': a client pulling a
 * multi-arch image by tag fetches the index, but one pinned to a platform digest fetches only
 * the child, and either way the image is in use.
 */
import type { Digest } from '../../oci/digest.ts'
import { parseManifest } from '../../oci/manifest.ts'
import { isIndexMediaType } from '../../oci/media-types.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { JsonLimits } from '../../oci/strict-json.ts'
import type { ManifestRecord, MetadataStore } from '../metadata/store.ts'
import type { LifecycleImage } from './lifecycle-image.ts'

/** Manifests read per store query. */
const PAGE = 500
/** Tags read per manifest: far above any real image; the rest would not change what rules match. */
const MAX_TAGS_PER_IMAGE = 10_000

const COSIGN_TAG = /^sha256-([0-9a-f]{64})\.(?:sig|att|sbom)$/

export interface RepositoryImagesDeps {
  readonly store: MetadataStore
  /** A stored manifest's exact bytes (ManifestService.content). */
  readonly content: (record: ManifestRecord) => Promise<Buffer>
  readonly jsonLimits?: JsonLimits
}

/** The image a cosign tag-form tag names, if any of `tags` is one. */
export function cosignSubject(tags: readonly string[]): Digest | undefined {
  for (const tag of tags) {
    const m = COSIGN_TAG.exec(tag)
    if (m) return `sha256:${m[1]}` as Digest
  }
  return undefined
}

async function imageOf(deps: RepositoryImagesDeps, repo: RepositoryName, record: ManifestRecord): Promise<LifecycleImage> {
  const tags = await deps.store.tags.ofDigest(repo, record.digest, MAX_TAGS_PER_IMAGE)
  const subject = record.subject ?? cosignSubject(tags)
  let manifests: readonly string[] | undefined
  if (isIndexMediaType(record.mediaType)) {
    const parsed = parseManifest(await deps.content(record), undefined, deps.jsonLimits)
    if (parsed.kind === 'index') manifests = parsed.manifests.map((d) => d.digest)
  }
  return {
    digest: record.digest, pushedAt: record.pushedAt, tags,
    ...(subject === undefined ? {} : { subject }),
    ...(manifests === undefined ? {} : { manifests }),
  }
}

/** The latest of the image's own last pull and, for an index, those of the manifests it lists. */
function lastPulledOf(image: LifecycleImage, pulls: ReadonlyMap<string, Date>): Date | undefined {
  let latest = pulls.get(image.digest)
  for (const child of image.manifests ?? []) {
    const at = pulls.get(child)
    if (at !== undefined && (latest === undefined || at > latest)) latest = at
  }
  return latest
}

/** Every manifest of `repo` as the lifecycle engine sees it (empty for an unknown repository). */
export async function repositoryImages(deps: RepositoryImagesDeps, repo: RepositoryName): Promise<LifecycleImage[]> {
  const images: LifecycleImage[] = []
  // Every manifest's last pull, so an index can take its children's (they may be on other pages).
  const pulls = new Map<string, Date>()
  let last: Digest | undefined
  for (;;) {
    const page = await deps.store.manifests.list(repo, { n: PAGE, ...(last === undefined ? {} : { last }) })
    for (const record of page) images.push(await imageOf(deps, repo, record))
    for (const [digest, at] of await deps.store.pulls.lastPulled(repo, page.map((r) => r.digest))) pulls.set(digest, at)
    if (page.length < PAGE) break
    last = page[page.length - 1]?.digest
  }
  return images.map((image) => {
    const lastPulledAt = lastPulledOf(image, pulls)
    return lastPulledAt === undefined ? image : { ...image, lastPulledAt }
  })
}
