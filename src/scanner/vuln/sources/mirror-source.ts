/**
 * OSV records from an HTTP(S) mirror laid out like osv.dev's bucket: `<base>/<Ecosystem>/all.zip`.
 * The base URL is configurable so air-gapped sites can point at their own copy. The archive is
 * streamed to a temp file (never held in memory), checked against Content-Length, and only then
 * read; a download cut half way throws, so the surrounding updateAdvisoryDb keeps the old DB.
 */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { AdvisoryDbWriter } from '../db/db-writer.ts'
import { importRecords, type ImportStats } from './import-records.ts'
import { readOsvZip } from './zip-source.ts'

export const OSV_DEFAULT_MIRROR = 'https://osv-vulnerabilities.storage.googleapis.com'

export class DownloadError extends Error {
  readonly url: string
  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super(`failed to download ${url}: ${message}`, options)
    this.name = 'DownloadError'
    this.url = url
  }
}

export interface DownloadProgress {
  readonly url: string
  readonly bytes: number
  /** From Content-Length; undefined when the server does not say. */
  readonly total: number | undefined
}

export interface MirrorOptions {
  readonly baseUrl?: string
  /** OSV ecosystem directory name: `npm`, `PyPI`, `Go`, `Alpine`, `Debian`, ... */
  readonly ecosystem: string
  readonly onProgress?: (p: DownloadProgress) => void
  readonly signal?: AbortSignal
  /** Largest archive accepted (default 4 GiB). */
  readonly maxBytes?: number
}

export function mirrorUrl(baseUrl: string, ecosystem: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem)}/all.zip`
}

/** Streams `url` into `file`; throws DownloadError on HTTP errors, size mismatches and cut connections. */
export async function downloadToFile(url: string, file: string, options: Omit<MirrorOptions, 'ecosystem' | 'baseUrl'> = {}): Promise<number> {
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024 * 1024
  let res: Response
  try {
    res = await fetch(url, options.signal === undefined ? {} : { signal: options.signal })
  } catch (err) {
    throw new DownloadError(url, (err as Error).message, { cause: err })
  }
  if (!res.ok || res.body === null) throw new DownloadError(url, `HTTP ${res.status}`)
  const header = res.headers.get('content-length')
  const total = header === null ? undefined : Number(header)
  if (total !== undefined && total > maxBytes) throw new DownloadError(url, `archive of ${total} bytes exceeds ${maxBytes}`)
  let bytes = 0
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length
      if (bytes > maxBytes) return done(new DownloadError(url, `archive exceeds ${maxBytes} bytes`))
      options.onProgress?.({ url, bytes, total })
      done(null, chunk)
    },
  })
  try {
    await pipeline(res.body, meter, createWriteStream(file), options.signal === undefined ? {} : { signal: options.signal })
  } catch (err) {
    if (err instanceof DownloadError) throw err
    throw new DownloadError(url, `connection failed after ${bytes} bytes: ${(err as Error).message}`, { cause: err })
  }
  if (total !== undefined && bytes !== total) throw new DownloadError(url, `got ${bytes} of ${total} bytes`)
  return bytes
}

/** Downloads one ecosystem's all.zip and imports it as source `osv:<ecosystem>`. */
export async function importOsvMirror(writer: AdvisoryDbWriter, options: MirrorOptions): Promise<ImportStats> {
  const url = mirrorUrl(options.baseUrl ?? OSV_DEFAULT_MIRROR, options.ecosystem)
  const dir = await mkdtemp(join(tmpdir(), 'drydock-osv-'))
  try {
    const file = join(dir, 'all.zip')
    await downloadToFile(url, file, options)
    return await importRecords(writer, { name: `osv:${options.ecosystem}`, kind: 'osv-mirror', location: url }, readOsvZip(file))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
