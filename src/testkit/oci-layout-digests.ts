/**
 * Reads an OCI image layout (as written by skopeo/umoci) for end-to-end comparisons: which
 * manifest a ref points to, and every blob reachable from it (nested indexes, manifests,
 * configs, layers). Each reachable blob is re-hashed from disk (streamed), so a layout whose
 * bytes do not match its digests is reported instead of compared.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'

export interface LayoutDescriptor {
  readonly mediaType?: string
  readonly digest: string
  readonly size: number
  readonly annotations?: Readonly<Record<string, string>>
}

interface Listing {
  readonly manifests?: readonly LayoutDescriptor[]
  readonly config?: LayoutDescriptor
  readonly layers?: readonly LayoutDescriptor[]
}

const REF_NAME = 'org.opencontainers.image.ref.name'
const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'])
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  ...INDEX_TYPES,
])

export function blobPath(layoutDir: string, digest: string): string {
  const [alg, hex] = digest.split(':')
  if (alg === undefined || hex === undefined || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex)) {
    throw new Error(`malformed digest ${JSON.stringify(digest)} in layout ${layoutDir}`)
  }
  return join(layoutDir, 'blobs', alg, hex)
}

/** The index.json entry tagged `ref` (or the only entry when `ref` is omitted). */
export async function layoutRoot(layoutDir: string, ref?: string): Promise<LayoutDescriptor> {
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as Listing
  const entries = index.manifests ?? []
  const matches = ref === undefined ? entries : entries.filter((d) => d.annotations?.[REF_NAME] === ref)
  const [first] = matches
  if (first === undefined || matches.length !== 1) {
    throw new Error(`${layoutDir}/index.json has ${matches.length} entries for ref ${ref ?? '(any)'}`)
  }
  return first
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path), hash)
  return `sha256:${hash.digest('hex')}`
}

/**
 * Every digest reachable from `root` (including root itself), each verified against the bytes on
 * disk. Throws when a blob is missing or its content does not hash to its digest.
 */
export async function reachableDigests(layoutDir: string, root: LayoutDescriptor): Promise<Set<string>> {
  const seen = new Set<string>()
  const visit = async (desc: LayoutDescriptor, isManifest: boolean): Promise<void> => {
    if (seen.has(desc.digest)) return
    seen.add(desc.digest)
    const path = blobPath(layoutDir, desc.digest)
    const actual = await sha256File(path)
    if (actual !== desc.digest) throw new Error(`blob ${desc.digest} in ${layoutDir} hashes to ${actual}`)
    if (!isManifest) return
    const doc = JSON.parse(await readFile(path, 'utf8')) as Listing
    for (const m of doc.manifests ?? []) await visit(m, true)
    if (doc.config) await visit(doc.config, false)
    for (const l of doc.layers ?? []) await visit(l, false)
  }
  await visit(root, root.mediaType === undefined || MANIFEST_TYPES.has(root.mediaType))
  return seen
}
