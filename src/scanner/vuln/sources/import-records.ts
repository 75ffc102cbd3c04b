/**
 * The shared import loop: every feed (directory, zip, mirror, converted native feed) yields
 * entries, and this validates each one, stores the good ones and counts the rest. A malformed
 * record never aborts an import; an I/O error (unreadable zip, cut download) does, and then
 * updateAdvisoryDb throws the half-built copy away.
 */
import type { AdvisoryDbWriter } from '../db/db-writer.ts'
import { validateOsv, type OsvRecord } from '../osv.ts'

/** One record as a feed delivers it: where it came from (file/entry name) and its content. */
export type SourceEntry =
  | {
      readonly name: string
      /** JSON text, or an already-built value (converted native feeds). */
      readonly content: string | OsvRecord
    }
  /** An entry the feed reader already refused (too large, unreadable): counted as rejected. */
  | { readonly name: string; readonly rejected: string }

export interface SourceDescriptor {
  /** Stable source name, e.g. `osv:npm`, `alpine-secdb`, `debian-tracker`. */
  readonly name: string
  /** `osv-dir` | `osv-zip` | `osv-mirror` | `alpine-secdb` | `debian-tracker` | ... */
  readonly kind: string
  /** Path or URL, for the data-age display. */
  readonly location: string
}

export interface Rejection {
  readonly entry: string
  readonly id?: string
  readonly reason: string
}

export interface ImportStats {
  readonly inserted: number
  readonly updated: number
  readonly unchanged: number
  readonly rejected: number
  /** The first rejections (capped, so a garbage feed cannot grow this without bound). */
  readonly rejections: readonly Rejection[]
}

const MAX_REJECTIONS_KEPT = 100

export async function importRecords(
  writer: AdvisoryDbWriter,
  source: SourceDescriptor,
  entries: AsyncIterable<SourceEntry> | Iterable<SourceEntry>,
): Promise<ImportStats> {
  const counts = { inserted: 0, updated: 0, unchanged: 0, rejected: 0 }
  const rejections: Rejection[] = []
  for await (const entry of entries) {
    let result
    if ('rejected' in entry) {
      result = { ok: false as const, reason: entry.rejected }
    } else if (typeof entry.content === 'string') {
      try {
        result = validateOsv(JSON.parse(entry.content))
      } catch (err) {
        result = { ok: false as const, reason: `invalid JSON: ${(err as Error).message}` }
      }
    } else {
      result = validateOsv(entry.content)
    }
    if (!result.ok) {
      counts.rejected++
      if (rejections.length < MAX_REJECTIONS_KEPT) {
        rejections.push(result.id === undefined ? { entry: entry.name, reason: result.reason } : { entry: entry.name, id: result.id, reason: result.reason })
      }
      continue
    }
    counts[writer.put(result.record, source.name)]++
  }
  writer.recordSource({
    ...source,
    importedAt: writer.now().toISOString(),
    records: counts.inserted + counts.updated + counts.unchanged,
    rejected: counts.rejected,
  })
  return { ...counts, rejections }
}
