/**
 * Picks one severity for a finding and says where it came from. Precedence (docs/severity.md):
 *
 * OS packages (an OsInfo family is given):
 *   1. the distribution's own rating: Debian urgency, Ubuntu priority, Red Hat severity
 *      (Alpine publishes none);
 *   2. NVD (the CVE ids in the record's aliases/upstream, when an NVD feed was imported);
 *   3. CVSS vectors in the advisory itself;
 *   4. the CVE record's CNA, then ADP (e.g. CISA-ADP) ratings.
 * Language packages:
 *   1. GHSA's rating (`database_specific.severity` of a GHSA record);
 *   2. NVD; 3. the advisory's CVSS vectors; 4. CNA, then ADP.
 * Within one source CVSS v4 wins over v3.x over v2. A source whose rating maps to UNKNOWN
 * (`not yet assigned`, `untriaged`) is skipped. With nothing usable the result is UNKNOWN.
 */
import type { OsFamily } from '../../model/package.ts'
import type { CveSeverity } from '../db/advisory-provider.ts'
import type { OsvAffected, OsvRecord, OsvSeverity } from '../osv.ts'
import { scoreCvss, type CvssScore } from './cvss-score.ts'
import { levelFromVendorWord, type SeverityLevel } from './severity-level.ts'

export interface SelectedSeverity {
  readonly level: SeverityLevel
  /** `debian`, `ubuntu`, `redhat`, `ghsa`, `nvd`, `osv` (the advisory's own vectors), `cna:<org>`, `adp:<org>`, or `none`. */
  readonly source: string
  readonly score?: number
  readonly vector?: string
}

export interface SeverityInput {
  readonly record: OsvRecord
  /** The `affected[]` entry that matched (its ecosystem_specific may carry the distro rating). */
  readonly affected?: OsvAffected
  /** Set for OS packages; undefined for language packages. */
  readonly osFamily?: OsFamily
  /** CVE-level ratings for the record's CVE aliases (AdvisoryProvider.cveSeverities). */
  readonly cveSeverities: readonly CveSeverity[]
}

const RED_HAT_FAMILY: ReadonlySet<OsFamily> = new Set(['rhel', 'centos', 'rocky', 'alma', 'fedora', 'oracle'])
const VERSION_RANK: Record<string, number> = { '4.0': 4, '3.1': 3, '3.0': 3, '2.0': 2 }

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

function fromWord(word: string | undefined, source: string): SelectedSeverity | undefined {
  if (word === undefined) return undefined
  const level = levelFromVendorWord(word)
  return level === 'UNKNOWN' ? undefined : { level, source }
}

function bestVector(vectors: readonly string[], source: string): SelectedSeverity | undefined {
  let best: CvssScore | undefined
  for (const v of vectors) {
    const s = scoreCvss(v)
    if (s !== undefined && (best === undefined || (VERSION_RANK[s.version] ?? 0) > (VERSION_RANK[best.version] ?? 0))) best = s
  }
  return best === undefined ? undefined : { level: best.level, source, score: best.score, vector: best.vector }
}

function distroRating(input: SeverityInput): SelectedSeverity | undefined {
  const eco = input.affected?.ecosystem_specific ?? {}
  const db = input.record.database_specific ?? {}
  switch (input.osFamily) {
    case 'debian':
      return fromWord(str(eco['urgency']) ?? str(db['urgency']), 'debian')
    case 'ubuntu': {
      const tagged = input.record.severity?.find((s) => s.type === 'Ubuntu')?.score
      return fromWord(tagged ?? str(eco['priority']) ?? str(db['priority']), 'ubuntu')
    }
    default:
      if (input.osFamily === undefined || !RED_HAT_FAMILY.has(input.osFamily)) return undefined
      return fromWord(
        str(db['severity']) ?? input.cveSeverities.find((c) => c.source === 'cna:redhat' && c.type === 'rating')?.value,
        'redhat',
      )
  }
}

function ghsaRating(record: OsvRecord): SelectedSeverity | undefined {
  if (!record.id.startsWith('GHSA-')) return undefined
  return fromWord(str(record.database_specific?.['severity']), 'ghsa')
}

function cveSource(list: readonly CveSeverity[], prefix: string): SelectedSeverity | undefined {
  const sources = [...new Set(list.filter((c) => c.source === prefix || c.source.startsWith(`${prefix}:`)).map((c) => c.source))]
  for (const source of sources) {
    const rows = list.filter((c) => c.source === source)
    const viaVector = bestVector(rows.filter((c) => c.type.startsWith('CVSS_')).map((c) => c.value), source)
    const hit = viaVector ?? fromWord(rows.find((c) => c.type === 'rating')?.value, source)
    if (hit !== undefined) return hit
  }
  return undefined
}

function ownVectors(input: SeverityInput): SelectedSeverity | undefined {
  const all: OsvSeverity[] = [...(input.record.severity ?? []), ...(input.affected?.severity ?? [])]
  return bestVector(all.filter((s) => s.type.startsWith('CVSS_')).map((s) => s.score), 'osv')
}

export function selectSeverity(input: SeverityInput): SelectedSeverity {
  const first = input.osFamily !== undefined ? distroRating(input) : ghsaRating(input.record)
  return first
    ?? cveSource(input.cveSeverities, 'nvd')
    ?? ownVectors(input)
    ?? cveSource(input.cveSeverities, 'cna')
    ?? cveSource(input.cveSeverities, 'adp')
    ?? { level: 'UNKNOWN', source: 'none' }
}
