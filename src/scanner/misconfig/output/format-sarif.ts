/**
 * SARIF 2.1.0 output (OASIS SARIF v2.1.0, the format GitHub code scanning reads). One run, one
 * reportingDescriptor per rule that has results, one result per finding. Dockerfile findings
 * get a physicalLocation with a region (startLine); image findings name the layer file or the
 * config field as a logical location. `security-severity` follows GitHub's convention
 * (CRITICAL 9.5, HIGH 8.0, MEDIUM 5.5, LOW 2.0) so that the alert severity matches ours.
 */
import type { FindingSeverity } from '../finding.ts'
import { formatLocation } from '../finding.ts'
import { viewOf, type AnyFinding, type FindingView } from './finding-view.ts'

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', UNKNOWN: 'note' }
const SECURITY_SEVERITY: Record<FindingSeverity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' }

function location(v: FindingView): Record<string, unknown> | undefined {
  const l = v.location
  if (!l) return undefined
  if (l.kind === 'dockerfile') return { physicalLocation: { artifactLocation: { uri: l.path }, region: { startLine: l.line } } }
  if (l.kind === 'file') {
    const region = v.line !== undefined ? { region: { startLine: v.line } } : {}
    return { physicalLocation: { artifactLocation: { uri: l.path }, ...region }, logicalLocations: [{ fullyQualifiedName: formatLocation(l), kind: 'resource' }] }
  }
  return { logicalLocations: [{ fullyQualifiedName: l.field, kind: 'member' }] }
}

export function toSarif(findings: readonly AnyFinding[], opts: { toolVersion: string; informationUri?: string }): Record<string, unknown> {
  const views = findings.map(viewOf)
  const ruleIds = [...new Set(views.map((v) => v.ruleId))].sort()
  const rules = ruleIds.map((id) => {
    const v = views.find((x) => x.ruleId === id) as FindingView
    return {
      id,
      name: v.title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
      shortDescription: { text: v.title },
      help: { text: v.remediation },
      defaultConfiguration: { level: LEVEL[v.severity] },
      properties: { 'security-severity': SECURITY_SEVERITY[v.severity], tags: ['security', v.kind] },
    }
  })
  const results = views.map((v) => {
    const loc = location(v)
    return {
      ruleId: v.ruleId,
      ruleIndex: ruleIds.indexOf(v.ruleId),
      level: LEVEL[v.severity],
      message: { text: `${v.title}: ${v.message}` },
      ...(loc ? { locations: [loc] } : {}),
      properties: { severity: v.severity },
    }
  })
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'drydock', version: opts.toolVersion, informationUri: opts.informationUri ?? 'https://github.com/drydock/drydock', rules } }, results }],
  }
}
