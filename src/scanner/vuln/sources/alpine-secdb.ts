/**
 * Alpine secdb -> OSV, following the rules of osv.dev's Alpine converter:
 * - one record per CVE, id `ALPINE-<CVE>`, `upstream: [<CVE>]`, an ADVISORY reference to
 *   security.alpinelinux.org/vuln/<CVE>;
 * - one `affected[]` entry per (branch, package) that lists the CVE under a fixed version, with
 *   ecosystem `Alpine:<branch>` (e.g. `Alpine:v3.19`), the source package name, purl
 *   `pkg:apk/alpine/<name>?arch=source` and an ECOSYSTEM range introduced "0" / fixed <version>;
 * - the secfixes key "0" means "never affected in this branch" and produces nothing;
 * - entries that are not CVE ids (XSA-..., bare text) are skipped.
 * Input: the per-package JSON objects (secdb `packages[].pkg` re-serialised with `distroversion`).
 */
import type { OsvAffected, OsvRecord } from '../osv.ts'

export interface SecdbPackage {
  readonly name: string
  readonly secfixes: Readonly<Record<string, readonly string[] | null>>
  readonly distroversion: string
}

const CVE_RE = /^CVE-\d{4}-\d{4,}$/

function isSecdbPackage(v: unknown): v is SecdbPackage {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o['name'] === 'string' && typeof o['distroversion'] === 'string' && typeof o['secfixes'] === 'object' && o['secfixes'] !== null
}

/** `v3.9` < `v3.18` < `edge`: numeric branch order, so records come out stable. */
function branchOrder(a: string, b: string): number {
  const num = (s: string): number[] => (s.match(/\d+/g) ?? [String(Number.MAX_SAFE_INTEGER)]).map(Number)
  const [x, y] = [num(a), num(b)]
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return d
  }
  return a.localeCompare(b)
}

/**
 * Converts secdb package entries (any branches, any order) to OSV records sorted by id.
 * `modified` is the conversion time stamped on every record. Throws on input that is not secdb.
 */
export function convertAlpineSecdb(packages: readonly unknown[], modified: string): OsvRecord[] {
  const byCve = new Map<string, Array<{ branch: string; name: string; fixed: string }>>()
  for (const p of packages) {
    if (!isSecdbPackage(p)) throw new Error('not an Alpine secdb package entry (needs name, distroversion, secfixes)')
    for (const [fixed, ids] of Object.entries(p.secfixes)) {
      if (fixed === '0' || !Array.isArray(ids)) continue
      for (const raw of ids) {
        // Some entries carry extra words ("CVE-2019-1234 (not applicable)"): the id is the first token.
        const cve = typeof raw === 'string' ? raw.trim().split(/\s+/)[0] ?? '' : ''
        if (!CVE_RE.test(cve)) continue
        const list = byCve.get(cve) ?? []
        if (!list.some((e) => e.branch === p.distroversion && e.name === p.name)) list.push({ branch: p.distroversion, name: p.name, fixed })
        byCve.set(cve, list)
      }
    }
  }
  const records: OsvRecord[] = []
  for (const [cve, fixes] of byCve) {
    fixes.sort((a, b) => branchOrder(a.branch, b.branch) || a.name.localeCompare(b.name))
    const affected: OsvAffected[] = fixes.map((f) => ({
      package: { ecosystem: `Alpine:${f.branch}`, name: f.name, purl: `pkg:apk/alpine/${f.name}?arch=source` },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: f.fixed }] }],
    }))
    records.push({
      schema_version: '1.7.0',
      id: `ALPINE-${cve}`,
      modified,
      upstream: [cve],
      references: [{ type: 'ADVISORY', url: `https://security.alpinelinux.org/vuln/${cve}` }],
      affected,
    })
  }
  return records.sort((a, b) => a.id.localeCompare(b.id))
}
