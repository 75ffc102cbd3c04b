/**
 * The compliance checklist of one scan: evaluateCompliance on the findings the gate kept (every
 * severity; ignored and VEX-mitigated ones left out), with one rule added here: an item that
 * depends on a scanner that did not run fails with "not checked". A checklist that passes
 * because nothing looked would be worse than none. Evidence quotes the config (a HEALTHCHECK
 * command can carry a token), so every line goes through the secret redactor.
 */
import { redactSecretsIn } from '../analyzers/secret/scan-text.ts'
import type { SecretFinding } from '../analyzers/secret/secret-finding.ts'
import { BUILTIN_SECRET_RULES } from '../analyzers/secret/secret-rules.ts'
import { evaluateCompliance, type ComplianceItem, type ComplianceOptions, type ComplianceReport } from '../compliance/compliance-checklist.ts'
import type { MisconfigFinding } from '../misconfig/finding.ts'
import type { ImageInventory } from '../pipeline/analyze-image.ts'
import type { ReportFinding, ScannerName, UnavailableScanner } from '../report/scan-report.ts'

/** Checklist items that read findings of a scanner. */
const NEEDS: Partial<Record<ComplianceItem['id'], ScannerName>> = { 'no-secrets': 'secret', 'scan-reviewed': 'vuln' }

export function complianceOf(inv: ImageInventory, findings: readonly ReportFinding[], scanners: readonly ScannerName[], opts: ComplianceOptions, unavailable: readonly UnavailableScanner[] = []): ComplianceReport {
  const report = evaluateCompliance({
    reference: inv.image.reference,
    config: inv.image.config,
    ...(inv.image.annotations ? { annotations: inv.image.annotations } : {}),
    secrets: findings.filter((f): f is SecretFinding => f.kind === 'secret'),
    misconfigs: findings.filter((f): f is MisconfigFinding => f.kind === 'misconfig'),
    vulnerabilities: findings.filter((f) => f.kind === 'vulnerability'),
  }, opts)
  const items = report.items.map((item): ComplianceItem => {
    const needed = NEEDS[item.id]
    if (needed === undefined || scanners.includes(needed)) return { ...item, evidence: item.evidence.map((e) => redactSecretsIn(e, BUILTIN_SECRET_RULES)) }
    const why = unavailable.find((u) => u.scanner === needed)?.reason ?? '--scanners'
    return { ...item, status: 'fail', evidence: [`not checked: the ${needed} scanner did not run (${why})`] }
  })
  return { ...report, items, passed: items.every((i) => i.status === 'pass') }
}
