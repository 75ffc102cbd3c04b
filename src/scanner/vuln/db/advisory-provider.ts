/**
 * The contract between the scanner's matchers and wherever advisories come from (the local
 * SQLite database, or a registry's copy). Matchers never open databases themselves.
 */
import type { OsvRecord } from '../osv.ts'

export interface PackageQuery {
  /** OSV ecosystem including the release where OSV has one: `npm`, `PyPI`, `Alpine:v3.19`, `Debian:12`. */
  readonly ecosystem: string
  /** The package name as the ecosystem writes it; the provider normalises (PEP 503 for PyPI). */
  readonly name: string
}

/** A CVE-level rating from a CVE-centric feed (NVD, a CVE JSON 5 CNA or ADP container). */
export interface CveSeverity {
  readonly cve: string
  /** 'nvd', 'cna:<shortName>', 'adp:<shortName>' */
  readonly source: string
  /** 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' for a vector, 'rating' for a vendor word ('critical', 'Important'). */
  readonly type: string
  readonly value: string
}

export interface DataSourceInfo {
  readonly name: string
  readonly kind: string
  readonly location: string
  /** ISO time of the last successful import of this source: the data age reports show. */
  readonly importedAt: string
  readonly records: number
  readonly rejected: number
}

export interface AdvisoryProvider {
  /**
   * Advisories with an `affected[]` entry for exactly this ecosystem (release included) and
   * package name, withdrawn ones included (the matcher drops them). Order: by id.
   */
  byPackage(query: PackageQuery): Promise<readonly OsvRecord[]>
  /** CVE-level ratings for a CVE id (empty when no CVE feed was imported). */
  cveSeverities(cve: string): Promise<readonly CveSeverity[]>
  /** The imported data sources with their import times. */
  dataSources(): Promise<readonly DataSourceInfo[]>
  /** Schema version of the database. */
  readonly dbVersion: number
  /** ISO time of the last import into this database, undefined for an empty one. */
  readonly updatedAt: string | undefined
}
