/**
 * A secret finding: what the scan report shows for one secret. It carries no secret: `match` is
 * the redacted form (at most 4 characters + `****`) and `fingerprint` a truncated sha256.
 */
import type { ConfigLocation, DockerfileLocation, FileLocation, FindingSeverity } from '../../misconfig/finding.ts'
import type { SecretMatch } from './scan-text.ts'

export interface SecretFinding {
  readonly kind: 'secret'
  /** The rule id, e.g. `aws-access-key-id` (the `id` every report finding has). */
  readonly id: string
  readonly category: string
  readonly severity: FindingSeverity
  readonly title: string
  readonly remediation: string
  /** Redacted: at most 4 leading characters + `****`. */
  readonly match: string
  /** `sha256:` + 16 hex digits of the secret's sha256; use it in allowlists. */
  readonly fingerprint: string
  /** 1-based line in the file or config value. */
  readonly line: number
  readonly location: FileLocation | ConfigLocation | DockerfileLocation
}

export function toSecretFinding(m: SecretMatch, location: SecretFinding['location']): SecretFinding {
  return {
    kind: 'secret',
    id: m.rule.id,
    category: m.rule.category,
    severity: m.rule.severity,
    title: m.rule.title,
    remediation: m.rule.remediation,
    match: m.redacted,
    fingerprint: m.fingerprint,
    line: m.line,
    location: location.kind === 'file' ? { ...location, line: m.line } : location,
  }
}
