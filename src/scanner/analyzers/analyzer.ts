/**
 * The analyzer contract (trivy fanal's shape, registered in an explicit list in builtin.ts).
 *
 * The layer walker streams every layer; for every regular file it asks each analyzer whether it
 * wants it (`required`, cheap, path and metadata only). Files that some analyzer wants are read
 * into memory up to that analyzer's `maxFileSize` and passed to `analyze`. Results are keyed by
 * the file they came from, so that the applier can drop results of files that a later layer
 * deleted or replaced (a package database rewritten in layer 2 replaces layer 1's).
 */
import type { Digest } from '../../oci/digest.ts'
import type { OsCandidate, OsInfo, OwnedFiles, PackageRecord, Unknown } from '../model/package.ts'
import type { SecretFinding } from './secret/secret-finding.ts'

export interface FileMeta {
  /** Path inside the image, normalised, no leading slash. */
  readonly path: string
  readonly size: number
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly linkTarget?: string
}

export interface AnalysisInput {
  readonly path: string
  readonly content: Uint8Array
  readonly meta: FileMeta
  readonly diffId: Digest
  readonly layerDigest?: Digest
}

export interface AnalysisResult {
  readonly os?: OsInfo
  readonly packages?: readonly PackageRecord[]
  /** A partial OS view from this file; the pipeline merges all of them with `resolveOs()`. */
  readonly osCandidate?: OsCandidate
  /** Installed-file lists kept apart from their packages (dpkg *.list); joined by the pipeline. */
  readonly ownedFiles?: readonly OwnedFiles[]
  readonly unknowns?: readonly Unknown[]
  /**
   * Secrets found in this file (the secret analyzer), already redacted. Unlike packages, they are
   * kept for files a later layer deletes or replaces: the bytes still ship in the image.
   */
  readonly secrets?: readonly SecretFinding[]
}

export interface Analyzer {
  /** Stable name, e.g. 'apk', 'dpkg', 'rpm', 'npm-lock', 'os-release'. Unique in the builtin list. */
  readonly name: string
  /** Bump whenever the output can change: part of the layer cache key. */
  readonly version: number
  /** Files larger than this are not read; an Unknown is recorded instead. */
  readonly maxFileSize: number
  /** Cheap path filter called for every file of every layer; must not read content. */
  required(path: string, meta: FileMeta): boolean
  /** Must not throw for bad content: return `unknowns` instead. May throw only for bugs. */
  analyze(input: AnalysisInput): Promise<AnalysisResult | undefined>
}
