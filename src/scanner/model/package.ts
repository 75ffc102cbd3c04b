/** The inventory model: what the analyzers find and the SBOM encoders and matchers consume. */
import type { Digest } from '../../oci/digest.ts'

/** Package types, named after the package manager (and purl types where they exist). */
export type PackageType =
  | 'apk'
  | 'deb'
  | 'rpm'
  | 'npm'
  | 'python'
  | 'go-module'
  | 'java-archive'
  | 'gem'
  | 'cargo'
  | 'composer'
  | 'nuget'

/** Where a package was found: the layer (by diff_id, and blob digest when known) and the file path inside it. */
export interface Location {
  /** Path inside the image, without a leading slash (e.g. `var/lib/dpkg/status`). */
  readonly path: string
  readonly diffId?: Digest
  readonly layerDigest?: Digest
}

export interface PackageRecord {
  readonly name: string
  /** The version as the package manager writes it (for deb/rpm: `[epoch:]version[-release]`). */
  readonly version: string
  readonly type: PackageType
  /** '' when the package has no valid purl (a jar with no pom.properties has no Maven coordinates). */
  readonly purl: string
  readonly licenses: readonly string[]
  readonly locations: readonly Location[]
  /** OS packages: the source package the advisories name (Debian `Source:`, apk `o:`, rpm SOURCERPM name). */
  readonly sourceName?: string
  readonly sourceVersion?: string
  readonly epoch?: number
  readonly release?: string
  readonly arch?: string
  /** OS packages: the files the package manager says it installed (paths without leading slash). */
  readonly installedFiles?: readonly string[]
  /** Free-form extras an analyzer wants to keep (main module, Go version, group id, ...). */
  readonly metadata?: Readonly<Record<string, string>>
}

export type OsFamily =
  | 'alpine'
  | 'debian'
  | 'ubuntu'
  | 'rhel'
  | 'centos'
  | 'rocky'
  | 'alma'
  | 'amazon'
  | 'fedora'
  | 'oracle'
  | 'sles'
  | 'opensuse'
  | 'mariner'
  | 'azurelinux'
  | 'wolfi'
  | 'chainguard'
  | 'photon'

export interface OsInfo {
  readonly family: OsFamily
  /** Full version as released, e.g. `3.19.4`, `12.15`, `7.5.1804`, `2.0.20220124`. */
  readonly version: string
  /** The release advisories are keyed by, e.g. `3.19` (Alpine), `12` (Debian), `7`, `2.0`, `15.3`. */
  readonly release: string
  /** Debian/Ubuntu codename when known (`bookworm`). */
  readonly codename?: string
  readonly prettyName?: string
  /** The image claims a distroless base (dpkg status.d without a full dpkg database). */
  readonly distroless?: boolean
}

/**
 * One file's partial view of the OS (os-release, alpine-release, debian_version, a dpkg status.d
 * entry ...). Each OS analyzer returns one; `resolveOs()` in analyzers/os merges them by a single
 * precedence table into the final OsInfo.
 */
export interface OsCandidate {
  /** The file the candidate came from (path without leading slash); decides its precedence. */
  readonly source: string
  readonly family?: OsFamily
  readonly version?: string
  readonly release?: string
  readonly codename?: string
  readonly prettyName?: string
  /** True for a dpkg status.d entry, false for a full var/lib/dpkg/status. */
  readonly distroless?: boolean
}

/**
 * Files a package manager says a package owns, reported apart from the package itself because
 * they live in another file (dpkg `var/lib/dpkg/info/<name>[:<arch>].list`). The pipeline joins
 * them to the PackageRecord of the same type, name (and arch when given) after squashing layers.
 */
export interface OwnedFiles {
  readonly type: PackageType
  readonly packageName: string
  readonly arch?: string
  readonly files: readonly string[]
}

/** A non-fatal problem found while analysing (syft's "unknowns"): the scan went on. */
export interface Unknown {
  readonly path: string
  readonly diffId?: Digest
  readonly analyzer: string
  readonly reason: string
}
