/**
 * Debian Security Tracker (`data/DSA/list`, `data/CVE/list` entries as parsed JSON) -> OSV,
 * following the rules of osv.dev's Debian converters.
 *
 * DSA entries -> one record per DSA (`DSA-5532-1`): summary = the list title, published = the
 * bracketed date, upstream = the CVE cross-references, one `affected[]` per `[release] - pkg
 * version` line: ecosystem `Debian:<n>`, source package, introduced "0" / fixed <version>.
 *
 * CVE entries -> `DEBIAN-<CVE>` for each requested release (default: the supported ones):
 * - a DSA that fixes (CVE, release, package) gives the fixed version (the tracker's CVE list can
 *   lag behind: CVE-2023-5363 shows `<unfixed>` while DSA-5532-1 fixed bookworm);
 * - else the `[release] - pkg ...` line: a version -> fixed; `<not-affected>` -> no entry;
 *   `<ignored>`, `<postponed>`, `<no-dsa>`, `<unfixed>`, `<end-of-life>` -> open (introduced "0");
 * - else the unstable `- pkg ...` line applies: a version -> fixed; `<unfixed>` -> open;
 *   `<not-affected>`, `<removed>`, `<itp>` -> no entry;
 * - the urgency of the unstable line goes to `ecosystem_specific.urgency`; details = the title.
 */
import type { OsvAffected, OsvPackage, OsvRecord } from '../osv.ts'

export interface TrackerAnnotation {
  readonly Type: string
  readonly Release?: string
  readonly Package?: string
  readonly Kind?: string
  readonly Version?: string
  readonly Severity?: string
  readonly Bugs?: readonly string[]
}

export interface TrackerEntry {
  readonly Header: { readonly ID: string; readonly Description?: string; readonly Original?: string }
  readonly Annotations?: readonly TrackerAnnotation[] | null
}

export const DEBIAN_RELEASES: Readonly<Record<string, string>> = {
  wheezy: '7', jessie: '8', stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13', forky: '14',
}
export const DEBIAN_SUPPORTED = ['bullseye', 'bookworm', 'trixie'] as const

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const OPEN_KINDS = new Set(['ignored', 'postponed', 'no-dsa', 'unfixed', 'end-of-life'])

function isEntry(v: unknown): v is TrackerEntry {
  const h = (v as { Header?: { ID?: unknown } } | null)?.Header
  return typeof h === 'object' && h !== null && typeof h.ID === 'string'
}

function dsaDate(original: string | undefined): string | undefined {
  const m = /^\[(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\]/.exec(original ?? '')
  if (m === null) return undefined
  const month = MONTHS.indexOf(m[2] ?? '')
  if (month < 0) return undefined
  return `${m[3]}-${String(month + 1).padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}T00:00:00Z`
}

function deb(release: string, name: string): OsvPackage {
  return { ecosystem: `Debian:${DEBIAN_RELEASES[release] ?? release}`, name, purl: `pkg:deb/debian/${name}?arch=source` }
}

function packages(e: TrackerEntry): TrackerAnnotation[] {
  return (e.Annotations ?? []).filter((a) => a.Type === 'package' && typeof a.Package === 'string')
}

export function convertDsa(entry: TrackerEntry, modified: string): OsvRecord {
  const upstream = (entry.Annotations ?? []).filter((a) => a.Type === 'xref').flatMap((a) => a.Bugs ?? []).filter((b) => b.startsWith('CVE-'))
  const affected: OsvAffected[] = []
  for (const a of packages(entry)) {
    if (a.Release === undefined || DEBIAN_RELEASES[a.Release] === undefined || a.Kind === 'not-affected') continue
    const events = a.Kind === 'fixed' && a.Version !== undefined ? [{ introduced: '0' }, { fixed: a.Version }] : [{ introduced: '0' }]
    affected.push({ package: deb(a.Release, a.Package ?? ''), ranges: [{ type: 'ECOSYSTEM', events }] })
  }
  const published = dsaDate(entry.Header.Original)
  return {
    schema_version: '1.7.0',
    id: entry.Header.ID,
    ...(entry.Header.Description === undefined ? {} : { summary: entry.Header.Description }),
    modified,
    ...(published === undefined ? {} : { published }),
    upstream,
    affected,
    references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${entry.Header.ID}` }],
  }
}

/** (cve, release, package) -> fixed version, from DSA entries. */
function dsaFixes(dsas: readonly TrackerEntry[]): Map<string, string> {
  const fixes = new Map<string, string>()
  for (const d of dsas) {
    const cves = (d.Annotations ?? []).filter((a) => a.Type === 'xref').flatMap((a) => a.Bugs ?? [])
    for (const a of packages(d)) {
      if (a.Kind !== 'fixed' || a.Release === undefined || a.Version === undefined) continue
      for (const cve of cves) fixes.set(`${cve} ${a.Release} ${a.Package}`, a.Version)
    }
  }
  return fixes
}

function convertCve(entry: TrackerEntry, releases: readonly string[], fixes: Map<string, string>, modified: string): OsvRecord | undefined {
  const cve = entry.Header.ID
  const anns = packages(entry)
  const names = [...new Set(anns.map((a) => a.Package ?? ''))]
  const affected: OsvAffected[] = []
  for (const release of releases) {
    for (const name of names) {
      const unstable = anns.find((a) => a.Package === name && a.Release === undefined)
      const specific = anns.find((a) => a.Package === name && a.Release === release)
      const line = specific ?? unstable
      const dsaFix = fixes.get(`${cve} ${release} ${name}`)
      let fixed: string | undefined
      if (dsaFix !== undefined) fixed = dsaFix
      else if (line === undefined) continue
      else if (line.Kind === 'fixed' && line.Version !== undefined) fixed = line.Version
      else if (!OPEN_KINDS.has(line.Kind ?? '')) continue
      const events = fixed === undefined ? [{ introduced: '0' }] : [{ introduced: '0' }, { fixed }]
      const urgency = unstable?.Severity
      affected.push({
        package: deb(release, name),
        ranges: [{ type: 'ECOSYSTEM', events }],
        ...(urgency === undefined ? {} : { ecosystem_specific: { urgency } }),
      })
    }
  }
  if (affected.length === 0) return undefined
  return {
    schema_version: '1.7.0',
    id: `DEBIAN-${cve}`,
    modified,
    upstream: [cve],
    ...(entry.Header.Description === undefined ? {} : { details: entry.Header.Description }),
    affected,
    references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${cve}` }],
  }
}

export interface DebianTrackerInput {
  readonly dsa: readonly unknown[]
  readonly cve: readonly unknown[]
}

/** Converts tracker DSA and CVE entries to OSV records sorted by id. Throws on entries without a Header.ID. */
export function convertDebianTracker(input: DebianTrackerInput, modified: string, releases: readonly string[] = DEBIAN_SUPPORTED): OsvRecord[] {
  const check = (list: readonly unknown[]): TrackerEntry[] => list.map((e) => {
    if (!isEntry(e)) throw new Error('not a Debian tracker entry (needs Header.ID)')
    return e
  })
  const dsas = check(input.dsa)
  const fixes = dsaFixes(dsas)
  const out: OsvRecord[] = dsas.map((d) => convertDsa(d, modified))
  for (const c of check(input.cve)) {
    if (!c.Header.ID.startsWith('CVE-')) continue
    const r = convertCve(c, releases, fixes, modified)
    if (r !== undefined) out.push(r)
  }
  return out.sort((a, b) => a.id.localeCompare(b.id))
}
