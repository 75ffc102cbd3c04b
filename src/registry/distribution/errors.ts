// Domain errors of the distribution services: RegistryError with spec codes, built in one place
// so messages and details stay consistent. No HTTP types here; the status is the wire default
// unless the spec asks for another (416 for an out-of-order chunk).
import { RegistryError } from '../../oci/errors.ts'
import type { Digest } from '../../oci/digest.ts'

export const blobUnknown = (digest: Digest): RegistryError =>
  new RegistryError('BLOB_UNKNOWN', 'blob unknown to registry', { detail: { digest } })

export const manifestUnknown = (reference: string): RegistryError =>
  new RegistryError('MANIFEST_UNKNOWN', 'manifest unknown to registry', { detail: { reference } })

export const nameUnknown = (name: string): RegistryError =>
  new RegistryError('NAME_UNKNOWN', 'repository name not known to registry', { detail: { name } })

/**
 * An immutable tag (repository settings) already points at another manifest. TAG_INVALID, as ECR
 * answers a docker push here, so docker and skopeo print the message, which says why.
 */
export const tagImmutable = (repo: string, tag: string, current: Digest): RegistryError =>
  new RegistryError('TAG_INVALID', `tag ${tag} is immutable in ${repo}: it already points at ${current}; push under a new tag`, {
    detail: { repository: repo, tag, digest: current },
  })

export const uploadUnknown = (id: string): RegistryError =>
  new RegistryError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { detail: { uuid: id.slice(0, 128) } })

export const digestMismatch = (expected: Digest, actual: Digest): RegistryError =>
  new RegistryError('DIGEST_INVALID', 'provided digest did not match uploaded content', { detail: { expected, actual } })

/** 416 with the session's current Range, so the client can resume from the right offset. */
export const rangeMismatch = (offset: number, got: string): RegistryError =>
  new RegistryError('BLOB_UPLOAD_INVALID', `chunk out of order: expected it to start at byte ${offset}`, {
    status: 416,
    detail: { offset, contentRange: got.slice(0, 100) },
    headers: { Range: `0-${Math.max(0, offset - 1)}` },
  })

export const sizeInvalid = (expected: number, actual: number): RegistryError =>
  new RegistryError('SIZE_INVALID', 'provided length did not match content length', { detail: { expected, actual } })

/** A second request writing to a session while one is still streaming would interleave bytes. */
export const uploadBusy = (id: string): RegistryError =>
  new RegistryError('BLOB_UPLOAD_INVALID', 'another request is writing to this upload', { detail: { uuid: id.slice(0, 128) } })

/**
 * 416: a chunk whose body is longer or shorter than its Content-Range declared. Nothing of it is
 * kept, so the Range is the session's offset before the chunk; the rest of an overlong body is
 * not wanted, so the connection ends after this response.
 */
export const chunkLengthMismatch = (offset: number, declared: number, received: number): RegistryError =>
  new RegistryError('BLOB_UPLOAD_INVALID', `chunk length does not match its Content-Range: declared ${declared} bytes, ${received > declared ? 'got more' : `got ${received}`}`, {
    status: 416,
    detail: { offset, declared, ...(received > declared ? {} : { received }) },
    headers: { Range: `0-${Math.max(0, offset - 1)}`, Connection: 'close' },
  })

/**
 * BLOB_UPLOAD_UNKNOWN for a chunk or commit whose session a cancel took over while it ran. The
 * rest of its body is not wanted, so the connection ends after this response.
 */
export const uploadCancelled = (id: string): RegistryError =>
  new RegistryError('BLOB_UPLOAD_UNKNOWN', 'blob upload was cancelled while this request was running', {
    detail: { uuid: id.slice(0, 128) },
    headers: { Connection: 'close' },
  })
