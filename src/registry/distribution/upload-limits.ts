/**
 * Limits on blob uploads (docs/configuration.md "Limits"): the largest blob, how many sessions
 * may be open (in the registry, per repository and per principal), and the free space the data
 * dir must keep. Each refusal is a RegistryError built
 * here, so the HTTP layer and the upload service give the same code and message.
 *
 * A zero limit means "no limit". The size limit is checked twice: up front from what the client
 * declares (Content-Length, Content-Range), and while streaming, so a chunked body is cut off at
 * the limit: no byte past it is ever written.
 */
import { RegistryError } from '../../oci/errors.ts'
import { formatSize } from '../config/parse-units.ts'

export interface UploadLimits {
  /** Largest blob in bytes; 0 = unlimited. */
  readonly maxBlobBytes: number
  /**
   * Open (unexpired) sessions allowed in total, per repository and per principal (the user or
   * robot that started them; only counted with auth on); 0 = unlimited. The per-principal cap is
   * what keeps one writer from holding every slot of the registry-wide one.
   */
  readonly maxOpenUploads: { readonly total: number; readonly perRepository: number; readonly perPrincipal: number }
  /** Uploads are refused to start while fewer bytes are free; 0 = no check. */
  readonly minFreeBytes: number
  /** Free bytes for the data dir; undefined when unknown (the guard then lets uploads start). */
  readonly freeSpace?: () => Promise<number | undefined>
}

export const NO_UPLOAD_LIMITS: UploadLimits = { maxBlobBytes: 0, maxOpenUploads: { total: 0, perRepository: 0, perPrincipal: 0 }, minFreeBytes: 0 }

/** 413: the upload would grow past the blob size limit. */
export function blobTooLarge(max: number): RegistryError {
  return new RegistryError('SIZE_INVALID', `blob exceeds the maximum blob size of ${formatSize(max)} (limits.maxBlobSize)`, {
    status: 413,
    detail: { limit: max },
    // The rest of the body is not wanted: the connection ends after this response.
    headers: { Connection: 'close' },
  })
}

/** Throws 413 when a session at `offset` receiving `length` more bytes would pass the limit. */
export function checkBlobSize(limits: UploadLimits, offset: number, length: number): void {
  const max = limits.maxBlobBytes
  if (max > 0 && offset + length > max) throw blobTooLarge(max)
}

/**
 * Passes `source` through until the session (now at `offset`) reaches the limit, then throws 413:
 * the bytes up to the limit are yielded (as with any interrupted chunk, they stay in the session
 * and its Range says so), the rest never are.
 */
export async function* capBlobSize(source: AsyncIterable<Uint8Array>, offset: number, max: number): AsyncIterable<Uint8Array> {
  let size = offset
  for await (const chunk of source) {
    const room = max - size
    if (chunk.byteLength > room) {
      if (room > 0) yield chunk.subarray(0, room)
      throw blobTooLarge(max)
    }
    size += chunk.byteLength
    yield chunk
  }
}

export interface OpenUploadCounts {
  readonly total: number
  readonly repo: number
  /** Sessions of the principal starting this one (0 without auth). */
  readonly owner: number
}

/**
 * 429 when another session would pass a cap. The principal's own cap is checked first, so a
 * writer at their limit is told so, rather than told the registry is full.
 */
export function checkOpenUploads(limits: UploadLimits, open: OpenUploadCounts, repo: string, owner?: string): void {
  const { total, perRepository, perPrincipal } = limits.maxOpenUploads
  const refuse = (scope: 'principal' | 'repository' | 'registry', where: string, limit: number): RegistryError =>
    new RegistryError('TOOMANYREQUESTS', `too many open upload sessions ${where} (limit ${limit}): finish or cancel some, or wait for idle ones to expire`, {
      detail: { limit, scope },
    })
  if (owner !== undefined && perPrincipal > 0 && open.owner >= perPrincipal) throw refuse('principal', `for ${owner}`, perPrincipal)
  if (perRepository > 0 && open.repo >= perRepository) throw refuse('repository', `in repository ${repo}`, perRepository)
  if (total > 0 && open.total >= total) throw refuse('registry', 'in the registry', total)
}

/**
 * 503 when the data dir is below the free-space floor. The message names the setting but not
 * the free space itself, which is an operator's concern rather than a client's.
 */
export async function checkFreeSpace(limits: UploadLimits): Promise<void> {
  if (limits.minFreeBytes <= 0 || !limits.freeSpace) return
  const free = await limits.freeSpace()
  if (free !== undefined && free < limits.minFreeBytes) {
    throw new RegistryError('UNAVAILABLE', `the registry is low on storage: free space is below the configured floor of ${formatSize(limits.minFreeBytes)} (limits.minFreeSpace); uploads are refused until space is freed`, {
      detail: { minFree: limits.minFreeBytes },
    })
  }
}
