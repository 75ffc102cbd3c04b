/**
 * The version-scheme contract: one comparator per ordering (apk, dpkg, rpm, semver, pep440, go,
 * maven, rubygems, nuget, crates, composer). Each must agree exactly with the package manager's own tool.
 */
export type VersionSchemeName =
  | 'apk'
  | 'deb'
  | 'rpm'
  | 'semver'
  | 'npm'
  | 'pep440'
  | 'go'
  | 'maven'
  | 'rubygems'
  | 'nuget'
  | 'cargo'
  | 'composer'

export class InvalidVersionError extends Error {
  readonly scheme: VersionSchemeName
  readonly version: string
  constructor(scheme: VersionSchemeName, version: string, reason?: string) {
    // Versions come from untrusted images and feeds: quote at most 100 characters of one.
    const shown = version.length > 100 ? `${version.slice(0, 100)}...` : version
    super(`invalid ${scheme} version '${shown}'${reason ? `: ${reason}` : ''}`)
    this.name = 'InvalidVersionError'
    this.scheme = scheme
    this.version = version
  }
}

export interface VersionScheme {
  readonly name: VersionSchemeName
  /** True when `v` parses under this scheme. Never throws. */
  isValid(v: string): boolean
  /** Negative, zero or positive as a < b, a == b, a > b. Throws InvalidVersionError for a version that does not parse. */
  compare(a: string, b: string): number
}
