/**
 * Parsing of the headers and query values the OCI API carries: `Range` on blob GETs,
 * `Content-Range`/`Content-Length` on upload chunks, `n`/`last` pagination and `Link`.
 * Bad client input becomes a RegistryError with the spec's code, never a 500.
 */
import { RegistryError } from '../../oci/errors.ts'
import type { ByteRange } from '../distribution/blob-service.ts'

/**
 * A blob GET's `Range` (RFC 9110 single byte range: `bytes=a-b`, `bytes=a-`, `bytes=-n`).
 * undefined means "send the whole blob" (no header, or a form we choose to ignore, such as
 * several ranges, which RFC 9110 lets a server ignore). Unsatisfiable ranges throw 416.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m) {
    if (/^\s*bytes\s*=.*,/.test(header)) return undefined
    throw rangeNotSatisfiable(size)
  }
  const [, a = '', b = ''] = m
  if (a === '' && b === '') throw rangeNotSatisfiable(size)
  if (a.length > 15 || b.length > 15) throw rangeNotSatisfiable(size)
  if (a === '') {
    const n = Number(b)
    if (n === 0 || size === 0) throw rangeNotSatisfiable(size)
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(a)
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (start >= size || (b !== '' && Number(b) < start)) throw rangeNotSatisfiable(size)
  return { start, end }
}

function rangeNotSatisfiable(size: number): RegistryError {
  return new RegistryError('RANGE_INVALID', 'requested range not satisfiable', {
    status: 416,
    detail: { size },
    headers: { 'Content-Range': `bytes */${size}` },
  })
}

/**
 * An upload chunk's `Content-Range`: the spec form `<start>-<end>` (inclusive), also accepted
 * with a `bytes ` prefix and `/total` suffix. A malformed value is a 416, as the spec says.
 */
export function parseContentRange(header: string | undefined, offset: number): ByteRange | undefined {
  if (header === undefined) return undefined
  const m = /^\s*(?:bytes[ =])?\s*(\d{1,15})-(\d{1,15})(?:\/(?:\d+|\*))?\s*$/i.exec(header)
  const start = Number(m?.[1])
  const end = Number(m?.[2])
  if (!m || end < start) {
    throw new RegistryError('BLOB_UPLOAD_INVALID', 'invalid Content-Range', {
      status: 416,
      detail: { contentRange: header.slice(0, 100) },
      headers: { Range: uploadRange(offset) },
    })
  }
  return { start, end }
}

/** The `Range` value of an upload session holding `offset` bytes (`0-0` when empty, as distribution does). */
export function uploadRange(offset: number): string {
  return `0-${Math.max(0, offset - 1)}`
}

/** `Content-Length` as a number; undefined when absent; SIZE_INVALID when malformed. */
export function parseContentLength(header: string | undefined): number | undefined {
  if (header === undefined) return undefined
  if (!/^\d{1,15}$/.test(header)) throw new RegistryError('SIZE_INVALID', 'invalid Content-Length', { detail: { contentLength: header.slice(0, 30) } })
  return Number(header)
}

/** `n` for pagination: a non-negative integer. */
export function parsePageSize(raw: string | undefined, max: number): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d{1,9}$/.test(raw)) throw new RegistryError('PAGINATION_NUMBER_INVALID', 'invalid number of results requested', { detail: { n: raw.slice(0, 20) } })
  return Math.min(Number(raw), max)
}

/** RFC 8288 `Link` header for the next page of a listing. */
export function nextLink(path: string, n: number | undefined, last: string): string {
  const q = new URLSearchParams()
  if (n !== undefined) q.set('n', String(n))
  q.set('last', last)
  return `<${path}?${q.toString()}>; rel="next"`
}

/** True when `If-None-Match` names this entity tag (or `*`): the client's copy is current (304). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '')
    return v === '*' || v === etag
  })
}
