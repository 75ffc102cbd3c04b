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
  if (actual !== digest) throw new Error(`CORRUPT: ${repo}@${digest} served ${length} bytes hashing to ${actual}`)
  if (size !== undefined && length !== size) throw new Error(`${repo}@${digest}: ${length} bytes, descriptor says ${size}`)
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
  if (claimed !== null && claimed !== actual) throw new Error(`CORRUPT: manifest ${repo}:${ref} hashes to ${actual}, header says ${claimed}`)
  if (ref.startsWith('sha256:') && ref !== actual) throw new Error(`CORRUPT: manifest ${repo}@${ref} hashes to ${actual}`)
  const doc = JSON.parse(body.toString('utf8')) as ManifestDoc
  for (const child of doc.manifests ?? []) {
    if (!(await checkManifest(url, repo, child.digest))) throw new Error(`${repo}:${ref} is served but its child ${child.digest} is not`)
  }
  for (const blob of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) {
    const { served } = await checkBlob(url, repo, blob.digest, blob.size)
    if (!served) throw new Error(`${repo}:${ref} is served but its blob ${blob.digest} is missing`)
  }
  return true
}
