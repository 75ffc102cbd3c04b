/**
 * Checks that a registry serves nothing corrupt: every manifest it serves hashes to its
 * Docker-Content-Digest, parses, and all blobs it references (recursively through indexes) are
 * served with bytes that hash to their digests. Blob bodies are hashed as they stream in.
 */
import { createHash } from 'node:crypto'

const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ')

interface Descriptor {
  readonly digest: string
  readonly size: number
}
interface ManifestDoc {
  readonly manifests?: readonly Descriptor[]
  readonly config?: Descriptor
  readonly layers?: readonly Descriptor[]
}

export interface BlobCheck {
  readonly served: boolean
}

/** Thrown when the registry served bad data (as opposed to failing to answer). */
export class CorruptionError extends Error {
  override readonly name = 'CorruptionError'
}

/** GET a blob: 404 means "not there" (fine); 200 must carry exactly the digest's bytes. */
export async function checkBlob(url: string, repo: string, digest: string, size?: number): Promise<BlobCheck> {
  const res = await fetch(`${url}/v2/${repo}/blobs/${digest}`)
  if (res.status === 404) {
    await res.body?.cancel()
    return { served: false }
  }
  if (res.status !== 200 || !res.body) throw new Error(`GET blob ${repo}@${digest} answered ${res.status}`)
  const hash = createHash('sha256')
  let length = 0
  for await (const chunk of res.body) {
    hash.update(chunk)
    length += chunk.length
  }
  const actual = `sha256:${hash.digest('hex')}`
  if (actual !== digest) throw new CorruptionError(`${repo}@${digest} served ${length} bytes hashing to ${actual}`)
  if (size !== undefined && length !== size) throw new CorruptionError(`${repo}@${digest}: ${length} bytes, descriptor says ${size}`)
  return { served: true }
}

/**
 * GET a manifest by tag or digest. Returns false for 404 (never pushed or interrupted before
 * the manifest PUT); throws when a served manifest or anything it references is bad.
 */
export async function checkManifest(url: string, repo: string, ref: string): Promise<boolean> {
  const res = await fetch(`${url}/v2/${repo}/manifests/${ref}`, { headers: { accept: ACCEPT } })
  if (res.status === 404) {
    await res.body?.cancel()
    return false
  }
  if (res.status !== 200) throw new Error(`GET manifest ${repo}:${ref} answered ${res.status}`)
  const body = Buffer.from(await res.arrayBuffer())
  const actual = `sha256:${createHash('sha256').update(body).digest('hex')}`
  const claimed = res.headers.get('docker-content-digest')
  if (claimed !== null && claimed !== actual) throw new CorruptionError(`manifest ${repo}:${ref} hashes to ${actual}, header says ${claimed}`)
  if (ref.startsWith('sha256:') && ref !== actual) throw new CorruptionError(`manifest ${repo}@${ref} hashes to ${actual}`)
  let doc: ManifestDoc
  try {
    doc = JSON.parse(body.toString('utf8')) as ManifestDoc
  } catch (err) {
    throw new CorruptionError(`manifest ${repo}:${ref} is not JSON`, { cause: err })
  }
  for (const child of doc.manifests ?? []) {
    if (!(await checkManifest(url, repo, child.digest))) throw new CorruptionError(`${repo}:${ref} is served but its child ${child.digest} is not`)
  }
  for (const blob of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) {
    const { served } = await checkBlob(url, repo, blob.digest, blob.size)
    if (!served) throw new CorruptionError(`${repo}:${ref} is served but its blob ${blob.digest} is missing`)
  }
  return true
}

/**
 * Keeps reading while pushes run and the server dies: each target manifest and each probe blob
 * is fetched over and over until it has been seen complete and correct once (content-addressed
 * data cannot change afterwards). Connection failures and 5xx during the crash are expected and
 * ignored; anything served that is wrong is collected and returned by stop().
 */
export function watchServed(
  url: string,
  manifests: readonly { repo: string; ref: string }[],
  blobs: readonly { repo: string; digest: string }[],
): { stop(): Promise<string[]> } {
  const corrupt: string[] = []
  const done = new Set<string>()
  let stopped = false
  const once = async (key: string, check: () => Promise<boolean>): Promise<void> => {
    if (done.has(key)) return
    try {
      if (await check()) done.add(key)
    } catch (err) {
      if (err instanceof CorruptionError) corrupt.push(err.message)
    }
  }
  const loop = (async () => {
    while (!stopped) {
      for (const m of manifests) await once(`${m.repo}:${m.ref}`, () => checkManifest(url, m.repo, m.ref))
      for (const b of blobs) await once(`${b.repo}@${b.digest}`, async () => (await checkBlob(url, b.repo, b.digest)).served)
      await new Promise((r) => setTimeout(r, 25))
    }
  })()
  return {
    stop: async () => {
      stopped = true
      await loop
      return corrupt
    },
  }
}
