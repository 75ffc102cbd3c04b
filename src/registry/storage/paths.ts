/**
 * Path builders for everything Drydock stores through a StorageDriver. The layout, relative to
 * the driver root (for the filesystem driver: `<data dir>/storage`):
 *
 *   blobs/
 *     sha256/
 *       ab/                          first two hex characters (keeps directories small)
 *         ab12…ef/                   full hex of the digest
 *           data                     the blob bytes (layers, configs, and manifests too)
 *     sha512/…                       same shape for sha512 digests
 *   uploads/
 *     <upload id>/
 *       data                         bytes received so far for an upload session (uncommitted)
 *
 * Blobs are content-addressed and shared by all repositories: which repository may read which
 * blob is metadata (the repository_blobs table), not a path. A blob's `data` appears only by an
 * atomic rename of fully written and verified bytes, so a crash never exposes a partial blob.
 * The SQLite metadata database lives beside the driver root: `<data dir>/metadata.db`.
 */
import { digestAlgorithm, digestHex, type Digest } from '../../oci/digest.ts'

export function blobDataPath(digest: Digest): string {
  const hex = digestHex(digest)
  return `blobs/${digestAlgorithm(digest)}/${hex.slice(0, 2)}/${hex}/data`
}

export function blobDirPath(digest: Digest): string {
  const hex = digestHex(digest)
  return `blobs/${digestAlgorithm(digest)}/${hex.slice(0, 2)}/${hex}`
}

/** Upload ids come from the IdGenerator (UUIDs); callers validate them before building paths. */
export function uploadDataPath(id: string): string {
  return `uploads/${id}/data`
}

export function uploadDirPath(id: string): string {
  return `uploads/${id}`
}

export const UPLOADS_ROOT = 'uploads'
