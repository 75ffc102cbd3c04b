/**
 * One flat view of secret and misconfiguration findings for the formatters (table, JSON,
 * SARIF): the rule, severity, title, remediation, a message (redacted evidence) and location.
 */
import type { SecretFinding } from '../../analyzers/secret/secret-finding.ts'
import type { FindingLocation, FindingSeverity, MisconfigFinding } from '../finding.ts'

export type AnyFinding = MisconfigFinding | SecretFinding

export interface FindingView {
  readonly ruleId: string
  readonly kind: 'misconfig' | 'secret'
  readonly severity: FindingSeverity
  readonly title: string
  readonly remediation: string
  readonly message: string
  readonly location?: FindingLocation
  readonly line?: number
}

export function viewOf(f: AnyFinding): FindingView {
  if (f.kind === 'secret') {
    const deleted = f.location.kind === 'file' && f.location.deletedLater ? ' (in a file deleted by a later layer)' : ''
    return {
      ruleId: f.id, kind: 'secret', severity: f.severity, title: f.title, remediation: f.remediation,
      message: `${f.title}: ${f.match} (fingerprint ${f.fingerprint})${deleted}`, location: f.location, line: f.line,
    }
  }
  const line = f.location?.kind === 'dockerfile' ? f.location.line : undefined
  return {
    ruleId: f.id, kind: 'misconfig', severity: f.severity, title: f.title, remediation: f.remediation, message: f.evidence,
    ...(f.location ? { location: f.location } : {}), ...(line !== undefined ? { line } : {}),
  }
}
