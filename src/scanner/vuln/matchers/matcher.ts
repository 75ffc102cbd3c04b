/**
 * The matcher contract (grype's shape): one matcher per package family, an explicit list in
 * builtin-matchers.ts, and a Finding per (advisory, package) that is affected.
 */
import type { OsInfo, PackageRecord, PackageType } from '../../model/package.ts'
import type { AdvisoryProvider } from '../db/advisory-provider.ts'
import type { SelectedSeverity } from '../severity/select-severity.ts'
import type { VersionScheme } from '../version/scheme.ts'

export interface Finding {
  /** Advisory id (`GHSA-...`, `DSA-5532-1`, `ALPINE-CVE-...`). */
  readonly id: string
  /** CVE and other ids the advisory is also known by (aliases + upstream). */
  readonly aliases: readonly string[]
  readonly package: PackageRecord
  /** The OSV ecosystem and package name that matched (source package for OS packages). */
  readonly ecosystem: string
  readonly matchedName: string
  /** The version compared with the advisory (the source version for Debian packages). */
  readonly installedVersion: string
  /** Versions that fix it; empty when `status` is 'unfixed'. */
  readonly fixedVersions: readonly string[]
  readonly status: 'fixed' | 'unfixed'
  readonly severity: SelectedSeverity
  readonly title?: string
  /** The advisory's primary URL (first ADVISORY reference, else the first reference). */
  readonly url?: string
  readonly references: readonly string[]
  /** The data source the advisory was imported from, as stored (e.g. `osv:npm`); here: its id prefix family. */
  readonly dataSource: string
}

/** A package the matcher had to skip (version does not parse, no comparator for the ecosystem). */
export interface MatchProblem {
  readonly package: PackageRecord
  readonly reason: string
}

export interface MatchContext {
  readonly provider: AdvisoryProvider
  /** The image's distribution; OS matchers find nothing without it. */
  readonly os?: OsInfo
  /** Comparator lookup; defaults to version/schemes.ts schemeForEcosystem. */
  readonly schemeFor?: (ecosystem: string) => VersionScheme | undefined
  /** Receives problems; matching goes on (partial results by default). */
  readonly onProblem?: (p: MatchProblem) => void
}

export interface Matcher {
  readonly name: string
  readonly version: number
  /** The package types this matcher is responsible for. */
  readonly packageTypes: readonly PackageType[]
  /** Findings for one package; never throws for bad data (reports it via ctx.onProblem). */
  match(pkg: PackageRecord, ctx: MatchContext): Promise<Finding[]>
}
