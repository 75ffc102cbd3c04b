/**
 * The finding model shared by the secret scanner, the misconfiguration checks and the compliance
 * checklist. It is shaped to merge into the scan report next to vulnerabilities: every finding
 * has a rule id, a severity on the shared scale, a title, a remediation and a location (a file
 * in a layer, a field of the image config, or a line of a Dockerfile).
 *
 * Nothing here ever holds a secret: secret values are reduced to a redacted prefix and a
 * truncated sha256 fingerprint before a finding is built (see analyzers/secret/redact.ts).
 */
import type { Digest } from '../../oci/digest.ts'

/** The shared severity scale, lowest first (UNKNOWN < LOW < MEDIUM < HIGH < CRITICAL). */
export const FINDING_SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number]

export function severityRank(s: FindingSeverity): number {
  return FINDING_SEVERITIES.indexOf(s)
}

export function isFindingSeverity(s: string): s is FindingSeverity {
  return (FINDING_SEVERITIES as readonly string[]).includes(s)
}

/** A file inside one layer of an image. */
export interface FileLocation {
  readonly kind: 'file'
  readonly path: string
  readonly diffId?: Digest
  readonly layerDigest?: Digest
  /** 0-based index of the layer in the manifest, when known. */
  readonly layerIndex?: number
  /** 1-based line of the match, when the finding is about a line. */
  readonly line?: number
  /** A later layer deleted this file: the secret is still in the image's blobs. */
  readonly deletedLater?: boolean
  /** A later layer wrote the same path again: this copy is hidden but still shipped. */
  readonly replacedLater?: boolean
}

/** A field of the image config, e.g. `config.Env[2]`, `config.Labels["x"]`, `history[4].created_by`. */
export interface ConfigLocation {
  readonly kind: 'config'
  readonly field: string
}

/** A Dockerfile line; `stage` is the stage name or index of a multi-stage build. */
export interface DockerfileLocation {
  readonly kind: 'dockerfile'
  readonly path: string
  readonly line: number
  readonly stage: string
}

export type FindingLocation = FileLocation | ConfigLocation | DockerfileLocation

export interface MisconfigFinding {
  readonly kind: 'misconfig'
  /** CIS-DI-00xx, DKL-DI-00xx or DRY-DI-00xx (docs/misconfig.md lists them). */
  readonly id: string
  readonly severity: FindingSeverity
  readonly title: string
  readonly remediation: string
  /** What was seen, secrets already redacted. */
  readonly evidence: string
  readonly location?: FindingLocation
}

/** A human-readable one-liner of a location, for tables. */
export function formatLocation(l: FindingLocation | undefined): string {
  if (!l) return 'image'
  if (l.kind === 'config') return l.field
  if (l.kind === 'dockerfile') return `${l.path}:${l.line} (stage ${l.stage})`
  const layer = l.layerIndex !== undefined ? `layer ${l.layerIndex}` : (l.diffId ?? 'layer ?').slice(0, 19)
  const state = l.deletedLater ? ' [deleted in a later layer]' : l.replacedLater ? ' [replaced in a later layer]' : ''
  return `${layer}: /${l.path}${l.line !== undefined ? `:${l.line}` : ''}${state}`
}
