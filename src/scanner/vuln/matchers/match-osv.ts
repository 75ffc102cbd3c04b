/**
 * The shared core of every matcher: look up advisories for (ecosystem, name), drop withdrawn
 * ones, evaluate each matching `affected[]` entry with the ecosystem's comparator and build
 * findings with severity. A record with several entries for the same package (GHSA minimist)
 * gives one finding with the union of fixed versions.
 */
import type { PackageRecord } from '../../model/package.ts'
import { normalizePackageName } from '../db/package-name.ts'
import { evaluateAffected } from '../osv-range.ts'
import type { OsvAffected, OsvRecord } from '../osv.ts'
import { selectSeverity } from '../severity/select-severity.ts'
import { schemeForEcosystem } from '../version/schemes.ts'
import type { Finding, MatchContext } from './matcher.ts'

export interface MatchTarget {
  readonly ecosystem: string
  readonly name: string
  readonly version: string
}

function cveIds(record: OsvRecord): string[] {
  const ids = [record.id, ...(record.aliases ?? []), ...(record.upstream ?? [])]
  return [...new Set(ids.filter((i) => i.startsWith('CVE-')))]
}

function primaryUrl(record: OsvRecord): string | undefined {
  const refs = record.references ?? []
  return (refs.find((r) => r.type === 'ADVISORY') ?? refs[0])?.url
}

function dataSourceOf(id: string): string {
  const prefix = id.split('-')[0] ?? id
  return { GHSA: 'GitHub Advisory Database', PYSEC: 'PyPA Advisory Database', GO: 'Go Vulnerability Database', DSA: 'Debian Security Tracker', DEBIAN: 'Debian Security Tracker', ALPINE: 'Alpine secdb' }[prefix] ?? prefix
}

export async function matchOsv(pkg: PackageRecord, target: MatchTarget, ctx: MatchContext): Promise<Finding[]> {
  const scheme = (ctx.schemeFor ?? schemeForEcosystem)(target.ecosystem)
  if (scheme === undefined) {
    ctx.onProblem?.({ package: pkg, reason: `no version comparator for ecosystem ${target.ecosystem}` })
    return []
  }
  if (!scheme.isValid(target.version)) {
    ctx.onProblem?.({ package: pkg, reason: `version '${target.version}' is not a valid ${scheme.name} version` })
    return []
  }
  const wanted = normalizePackageName(target.ecosystem, target.name)
  const findings: Finding[] = []
  for (const record of await ctx.provider.byPackage({ ecosystem: target.ecosystem, name: target.name })) {
    if (record.withdrawn !== undefined) continue
    let hit: OsvAffected | undefined
    const fixed = new Set<string>()
    for (const a of record.affected ?? []) {
      if (a.package?.ecosystem !== target.ecosystem || normalizePackageName(a.package.ecosystem, a.package.name) !== wanted) continue
      const r = evaluateAffected(target.version, a, scheme)
      if (r.invalidVersions.length > 0) {
        ctx.onProblem?.({ package: pkg, reason: `${record.id}: ignored range versions ${r.invalidVersions.join(', ')} (not valid ${scheme.name})` })
      }
      if (!r.affected) continue
      hit ??= a
      for (const f of r.fixedVersions) fixed.add(f)
    }
    if (hit === undefined) continue
    const cves = cveIds(record)
    const cveSeverities = (await Promise.all(cves.map((c) => ctx.provider.cveSeverities(c)))).flat()
    const osFamily = ctx.os?.family
    const severity = selectSeverity({ record, affected: hit, cveSeverities, ...(isOsEcosystem(target.ecosystem) && osFamily !== undefined ? { osFamily } : {}) })
    const title = record.summary ?? record.details?.split('\n')[0]
    const url = primaryUrl(record)
    findings.push({
      id: record.id,
      aliases: [...new Set([...(record.aliases ?? []), ...(record.upstream ?? [])])],
      package: pkg,
      ecosystem: target.ecosystem,
      matchedName: target.name,
      installedVersion: target.version,
      fixedVersions: [...fixed],
      status: fixed.size > 0 ? 'fixed' : 'unfixed',
      severity,
      ...(title === undefined ? {} : { title }),
      ...(url === undefined ? {} : { url }),
      references: (record.references ?? []).map((r) => r.url),
      dataSource: dataSourceOf(record.id),
    })
  }
  return findings
}

const LANGUAGE_ECOSYSTEMS = new Set(['npm', 'PyPI', 'Go', 'Maven', 'RubyGems', 'crates.io', 'Packagist', 'NuGet'])

function isOsEcosystem(ecosystem: string): boolean {
  return !LANGUAGE_ECOSYSTEMS.has(ecosystem)
}
